"""Tokens and passwords: generated here, stored only as hashes, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def new_token(prefix: str = "") -> str:
    """Return a new URL-safe secret token (256 bits of randomness)."""
    return prefix + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """Return the SHA-256 hex digest used to store and look up a high-entropy token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_matches(token: str, token_hash: str) -> bool:
    """Return True when `token` hashes to `token_hash` (constant-time comparison)."""
    return secrets_equal(hash_token(token), token_hash)


def secrets_equal(given: str, expected: str) -> bool:
    """Compare a secret sent by a client with the expected one in constant time.

    Compared as UTF-8 bytes: `hmac.compare_digest` refuses (TypeError) a str with non-ASCII
    characters, which any client can put in a header.
    """
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def new_password() -> str:
    """Return a one-time password a person can type (about 80 bits)."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    groups = ["".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4)]
    return "-".join(groups)


def hash_password(password: str) -> str:
    """Return an Argon2id hash of a password."""
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    """Return True when the password matches its Argon2 hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
