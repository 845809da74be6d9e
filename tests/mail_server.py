"""A real SMTP server on loopback for the mail tests (aiosmtpd), never a mocked smtplib.

It records every message it accepted (after its ``250``), can refuse chosen
recipients for good (``550``) or for now (``450``), can dawdle before
answering RCPT or hold it until the test opens a gate (so a test can catch
the worker in the middle of a send), and can be stopped and started again on
the same port (a mail server that is down for a while).
"""

import asyncio
import email
import threading
import time
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller
from e2e.live import free_port


@dataclass
class Received:
    recipient: str
    message_id: str
    subject: str
    text: str


@dataclass
class Handler:
    received: list[Received] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)
    busy: set[str] = field(default_factory=set)
    rcpt_delay: float = 0.0
    # Set when RCPT of message number ``pause_at`` (0-based) arrives; the server then waits.
    pause_at: int | None = None
    paused: threading.Event = field(default_factory=threading.Event)
    # While ``holding``, every RCPT sets ``paused`` and waits until ``gate`` is set.
    holding: bool = False
    gate: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 Mailbox unavailable"
        if address in self.busy:
            return "450 4.2.1 Mailbox busy, try again later"
        if self.holding:
            self.paused.set()
            while not self.gate.is_set():
                await asyncio.sleep(0.01)
        if self.pause_at is not None and len(self.received) >= self.pause_at:
            self.paused.set()
            await asyncio.sleep(3600)  # the worker is killed while it waits for this answer
        if self.rcpt_delay:
            await asyncio.sleep(self.rcpt_delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content)
        body = message.get_payload(decode=True).decode(message.get_content_charset() or "utf-8")
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.received.append(Received(recipient, message["Message-ID"],
                                              str(message["Subject"]), body))
        return "250 Message accepted for delivery"


class MailServer:
    def __init__(self):
        self.port = free_port()
        self.handler = Handler()
        self.controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> "MailServer":
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def wait_for(self, count: int, timeout: float = 30) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.received) >= count:
                return self.received
            time.sleep(0.05)
        raise AssertionError(f"{len(self.received)} of {count} mails arrived in {timeout} s")
