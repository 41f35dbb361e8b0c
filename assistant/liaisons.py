"""Liaison accounts: creation with a one-time password and an API token (both stored as hashes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from assistant.errors import ConflictError, UserInputError
from assistant.security import hash_password, hash_token, new_password, new_token
from assistant.store.db import Database
from assistant.store.models import Liaison

Role = Literal["liaison", "admin"]


@dataclass(frozen=True)
class NewLiaison:
    """A freshly created account with its secrets, shown once."""

    id: int
    email: str
    name: str
    role: str
    token: str
    password: str


def create_liaison(db: Database, email: str, name: str, role: Role = "liaison") -> NewLiaison:
    """Create a liaison account; raise UserInputError on a bad email, ConflictError if it exists."""
    try:
        email = validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise UserInputError(f"invalid email address: {exc}") from None
    name = name.strip()
    if not name:
        raise UserInputError("name must not be empty")
    if role not in ("liaison", "admin"):
        raise UserInputError("role must be 'liaison' or 'admin'")
    token = new_token("l_")
    password = new_password()
    with db.session() as s:
        if s.scalars(select(Liaison).where(Liaison.email == email)).first() is not None:
            raise ConflictError(f"a liaison with email {email} already exists")
        liaison = Liaison(
            email=email,
            name=name,
            role=role,
            token_hash=hash_token(token),
            password_hash=hash_password(password),
        )
        s.add(liaison)
        s.flush()
        liaison_id = liaison.id
    return NewLiaison(liaison_id, email, name, role, token, password)
