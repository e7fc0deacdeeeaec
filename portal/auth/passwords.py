"""Password hashing with Argon2id and a plain-spoken strength check."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

MIN_LENGTH = 12
MAX_LENGTH = 1024
#: Passwords long enough to pass the length rule that attackers try first.
COMMON = frozenset(
    {
        "password1234",
        "password12345",
        "passwordpassword",
        "123456789012",
        "1234567890123",
        "qwertyuiopas",
        "qwertyuiop123",
        "letmeinletmein",
        "iloveyou1234",
        "administrator",
        "welcome12345",
        "changeme1234",
        "censusaudit1",
        "census-audit",
        "correcthorsebatterystaple",
        "aaaaaaaaaaaa",
        "abcdefghijkl",
    }
)


class WeakPassword(ValueError):
    """A password the portal refuses, with the reason in plain words."""


def hash_password(password: str) -> str:
    """Return the Argon2id hash of a password."""
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    """Tell whether a password matches its stored hash (False for unusable hashes)."""
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Tell whether a hash was made with weaker parameters than today's."""
    try:
        return _hasher.check_needs_rehash(stored)
    except InvalidHashError:
        return False


def unusable_hash() -> str:
    """Return a hash no password matches (an invited account before its owner sets a password)."""
    return "!invited:" + secrets.token_hex(16)


def check_strength(password: str, email: str = "") -> None:
    """Raise WeakPassword unless the password is long, uncommon and not built from the email address."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"The password must be at least {MIN_LENGTH} characters long.")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"The password must be at most {MAX_LENGTH} characters long.")
    lowered = password.lower()
    if lowered in COMMON or len(set(lowered)) < 5:
        raise WeakPassword("That password is too easy to guess: try a few unrelated words.")
    local = email.split("@", 1)[0].lower()
    if len(local) >= 4 and local in lowered:
        raise WeakPassword("The password must not contain your email address.")


def temporary_password() -> str:
    """Return a random password to show once (about 120 bits)."""
    return secrets.token_urlsafe(15)
