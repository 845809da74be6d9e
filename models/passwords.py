"""Password hashing with Argon2id, and the rules a new password must meet.

Argon2id with RFC 9106's second recommended option (its "low-memory"
profile): 3 passes over 64 MiB with 4 lanes, a 16-byte random salt and a
32-byte tag (argon2-cffi's defaults for those two). On the development
machine a verify takes about 0.15 s: slow for a guesser with a stolen
table, fine for a login. A hash records its parameters, so raising them
later still verifies the old hashes.
"""

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
# Passwords of 12 characters or more that lists of leaked passwords hold most often.
COMMON_PASSWORDS = frozenset({
    "123456789012", "1234567890123", "12345678901234", "qwertyuiop12", "qwertyuiopasdf",
    "password1234", "password12345", "passwordpassword", "wachtwoord12", "wachtwoord123",
    "wachtwoord1234", "wachtwoordwachtwoord", "welkom123456", "welkomwelkom", "iloveyou1234",
    "abcdefghijkl", "abc123abc123", "aaaaaaaaaaaa", "111111111111", "000000000000",
    "qwerty123456", "1q2w3e4r5t6y", "zaq12wsxcde3", "letmein12345", "administrator",
    "wegwijs12345", "wegwijswegwijs", "inburgering123", "utrecht12345",
})


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
    if lowered in COMMON_PASSWORDS or len(set(password)) <= 2:
        problems.append("Dit wachtwoord is te makkelijk te raden.")
    return problems
