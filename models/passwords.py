"""Password hashing with Argon2id, and the rules a new password must meet.

Argon2id with RFC 9106's second recommended option (its "low-memory"
profile): 3 passes over 64 MiB with 4 lanes, a 16-byte random salt and a
32-byte tag (argon2-cffi's defaults for those two). On the development
machine a verify takes about 0.15 s: slow for a guesser with a stolen
table, fine for a login. A hash records its parameters, so raising them
later still verifies the old hashes.
"""

from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# RFC 9106's second recommended option: t=3, m=64 MiB, p=4.
_hasher = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=4)

# Verifying against this costs as much as against a real hash, so a login for
# an unknown email takes as long as one for a known email.
_DUMMY_HASH = _hasher.hash("wegwijs-dummy-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; also spends the time when there is no hash."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


# The password rules (ASVS 2.1): long rather than complex; any character, spaces too.
MIN_LENGTH = 12
MAX_LENGTH = 1024
# Dutch and Wegwijs-flavoured ones the shipped (English-speaking) list lacks.
_LOCAL_COMMON = frozenset({
    "wachtwoord", "wachtwoord12", "wachtwoord123", "wachtwoord1234", "welkom", "welkom123456",
    "welkomwelkom", "geheim", "wegwijs", "inburgering", "utrecht", "gemeente", "administrator",
})
_SHIPPED = Path(__file__).with_name("common_passwords.txt")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (models/common_passwords.txt), and the local ones."""
    lines = _SHIPPED.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#")) | _LOCAL_COMMON


def is_common(password: str) -> bool:
    """A listed password, or one with digits and signs added at the end, or one repeated."""
    lowered = password.lower()
    listed = common_passwords()
    if lowered in listed or len(set(password)) <= 2:
        return True
    base = lowered.rstrip("0123456789!@#$%^&*()-_=+.,?~ ")
    if len(base) >= 4 and base in listed:
        return True
    for size in range(1, len(lowered) // 2 + 1):
        unit = lowered[:size]
        if len(lowered) % size == 0 and unit * (len(lowered) // size) == lowered:
            return unit in listed or size <= 3
    return False


def password_problems(password: str, email: str) -> list[str]:
    """What is wrong with a new password, in Dutch; empty when it is good."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Gebruik minstens {MIN_LENGTH} tekens.")
    if len(password) > MAX_LENGTH:
        problems.append(f"Gebruik hoogstens {MAX_LENGTH} tekens.")
    lowered = password.lower()
    local_part = email.lower().partition("@")[0]
    if lowered == email.lower() or (len(local_part) >= 4 and local_part in lowered):
        problems.append("Gebruik niet (een deel van) uw e-mailadres.")
    if is_common(password):
        problems.append("Dit wachtwoord is te makkelijk te raden.")
    return problems
