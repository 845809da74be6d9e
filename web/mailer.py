"""How a mail leaves: SMTP to ``WEGWIJS_SMTP_URL``, or ``.eml`` files when it is unset.

``smtp://host:port`` talks plain SMTP (a local relay); ``smtp+starttls://
user:password@host:port`` upgrades the connection and logs in. Without a URL
mails are written under ``instance/mail/``, one file per Message-ID, so a
fresh machine runs ``make run`` without a mail server and writing one twice
overwrites the same file.
"""

import os
import smtplib
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from urllib.parse import unquote, urlsplit

from models.outbox import OutboxMail, message_id

SMTP_TIMEOUT = 30


def permanent_refusal(error: smtplib.SMTPException) -> str | None:
    """The server's reply when it refused the mail for good (5xx), else None: try again.

    A 4xx (mailbox busy, greylisting) and a lost connection are worth another try;
    a 5xx (no such mailbox, message rejected) will be refused every time.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = list(error.recipients.values())
    elif isinstance(error, smtplib.SMTPResponseException):
        replies = [(error.smtp_code, error.smtp_error)]
    else:
        return None
    if not replies or any(not 500 <= code < 600 for code, _ in replies):
        return None
    return "; ".join(f"{code} {_text(reply)}" for code, reply in replies)


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply


def build_message(mail: OutboxMail, *, sender: str, public_url: str) -> EmailMessage:
    """The mail in Dutch: what happened, the pseudonym, a link; nothing else personal."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Message-ID"] = message_id(mail, sender.rpartition("@")[2] or "localhost")
    message["Date"] = formatdate(usegmt=True)
    base = public_url.rstrip("/")
    message.set_content(
        f"{mail.body}\n\nBekijk het in Wegwijs: {base}{mail.path}\n\n"
        f"-- \nDeze mail stuurt Wegwijs automatisch. Welke mails u krijgt, "
        f"stelt u in op {base}/instellingen/mail\n"
    )
    return message


class SmtpTransport:
    """One connection per batch; ``send`` raises smtplib's errors for the caller to record."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtp+starttls") or not parts.hostname:
            raise ValueError("WEGWIJS_SMTP_URL moet smtp://host:poort of "
                             "smtp+starttls://gebruiker:wachtwoord@host:poort zijn")
        self.host, self.port = parts.hostname, parts.port or 25
        self.starttls = parts.scheme == "smtp+starttls"
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.connection: smtplib.SMTP | None = None

    def __enter__(self) -> "SmtpTransport":
        self.connection = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT)
        if self.starttls:
            self.connection.starttls()
        if self.user:
            self.connection.login(self.user, self.password or "")
        return self

    def send(self, message: EmailMessage) -> None:
        self.connection.send_message(message)

    def __exit__(self, *_exc) -> None:
        try:
            self.connection.quit()
        except (smtplib.SMTPException, OSError):
            self.connection.close()


class FileTransport:
    """Writes each mail as ``<Message-ID>.eml``; atomically, so a reader never sees half."""

    def __init__(self, folder: Path):
        self.folder = folder

    def __enter__(self) -> "FileTransport":
        self.folder.mkdir(parents=True, exist_ok=True)
        return self

    def send(self, message: EmailMessage) -> None:
        name = message["Message-ID"].strip("<>").replace("/", "_")
        temporary = self.folder / f".{name}.tmp"
        temporary.write_bytes(message.as_bytes())
        os.replace(temporary, self.folder / f"{name}.eml")

    def __exit__(self, *_exc) -> None:
        pass


def transport_for(smtp_url: str | None, instance_path: str):
    return SmtpTransport(smtp_url) if smtp_url else FileTransport(Path(instance_path) / "mail")
