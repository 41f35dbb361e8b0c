"""Liaison accounts: create, list, disable/enable, reset credentials, change role.

Accounts with role `institution` speak for one partner institution: they see and answer the
offers routed to it (`assistant.partners`) and nothing of the secretariat's queue, so the
liaison API and the Telegram staff desk refuse their token.

Passwords (Argon2id) and API tokens (SHA-256) are stored only as hashes; a new secret is returned
once, to be shown once. Disabling an account or resetting its credentials ends its console
sessions; the API and console refuse an inactive account or a replaced secret at once, and open
event streams re-check their credentials, so they end too.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from assistant.errors import ConflictError, NotFoundError, UserInputError
from assistant.partners.models import PartnerAccount
from assistant.security import hash_password, hash_token, new_password, new_token
from assistant.store.db import Database
from assistant.store.models import ConsoleSession, Liaison, iso_utc

if TYPE_CHECKING:
    from assistant.config import Settings
    from assistant.handoff.service import HandoffService

Role = Literal["liaison", "admin", "institution"]
ROLES: tuple[Role, ...] = ("liaison", "admin", "institution")
PARTNER_ROLE = "institution"


def partner_institutions() -> tuple[str, ...]:
    """Return the ids of the institutions a partner account can speak for (the seven)."""
    from assistant.intake.gazetteers import INSTITUTIONS

    return tuple(INSTITUTIONS)


def check_institution(institution: str | None) -> str:
    """Return a known institution id, or raise UserInputError listing the valid ones."""
    value = (institution or "").strip().lower()
    known = partner_institutions()
    if value not in known:
        raise UserInputError(
            f"an institution account needs --institution, one of: {', '.join(known)}"
        )
    return value


@dataclass(frozen=True)
class NewLiaison:
    """A freshly created account with its secrets, shown once."""

    id: int
    email: str
    name: str
    role: str
    token: str
    password: str
    institution: str | None = None


def active_account_by_token(db: Database, token: str) -> Liaison | None:
    """Return the active account (any role) whose API token this is, or None."""
    with db.session() as s:
        liaison = s.scalars(select(Liaison).where(Liaison.token_hash == hash_token(token))).first()
    return liaison if liaison is not None and liaison.active else None


def active_liaison_by_token(db: Database, token: str) -> Liaison | None:
    """Return the active secretariat account (liaison or admin) whose API token this is, or None.

    An institution partner's token is refused here: it opens only the partner desk.
    """
    liaison = active_account_by_token(db, token)
    return liaison if liaison is not None and liaison.role != PARTNER_ROLE else None


def institution_of(db: Database, liaison_id: int) -> str | None:
    """Return the institution a partner account speaks for (None for secretariat accounts)."""
    with db.session() as s:
        row = s.get(PartnerAccount, liaison_id)
        return row.institution if row is not None else None


def create_liaison(
    db: Database,
    email: str,
    name: str,
    role: Role = "liaison",
    institution: str | None = None,
) -> NewLiaison:
    """Create an account; raise UserInputError on a bad email, ConflictError if it exists.

    An `institution` account needs the institution it speaks for.
    """
    try:
        email = validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise UserInputError(f"invalid email address: {exc}") from None
    name = name.strip()
    if not name:
        raise UserInputError("name must not be empty")
    role = check_role(role)
    scope = check_institution(institution) if role == PARTNER_ROLE else None
    if scope is None and institution:
        raise UserInputError("--institution is only for accounts with role 'institution'")
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
        if scope is not None:
            s.add(PartnerAccount(liaison_id=liaison_id, institution=scope))
    return NewLiaison(liaison_id, email, name, role, token, password, scope)


@dataclass(frozen=True)
class LiaisonInfo:
    """What an admin may see of an account: never its password or token hash."""

    id: int
    email: str
    name: str
    role: str
    active: bool
    telegram_linked: bool
    created_at: str | None
    institution: str | None = None

    @classmethod
    def of(cls, row: Liaison, s: Session | None = None) -> LiaisonInfo:
        """Return the public view of a stored account (with its institution, given a session)."""
        scope = s.get(PartnerAccount, row.id) if s is not None else None
        return cls(
            id=row.id,
            email=row.email,
            name=row.name,
            role=row.role,
            active=bool(row.active),
            telegram_linked=row.telegram_user_id is not None,
            created_at=iso_utc(row.created_at),
            institution=scope.institution if scope is not None else None,
        )

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON shape (`liaison list --json`)."""
        return asdict(self)


@dataclass(frozen=True)
class Disabled:
    """The outcome of disabling an account."""

    liaison: LiaisonInfo
    was_active: bool
    sessions_ended: int


@dataclass(frozen=True)
class Reset:
    """New credentials for an account, each shown once (None when that one was kept)."""

    liaison: LiaisonInfo
    password: str | None
    token: str | None
    sessions_ended: int
    telegram_unlinked: bool


def check_role(role: str) -> Role:
    """Return the role, or raise UserInputError when it is not 'liaison', 'admin' or 'institution'."""
    for known in ROLES:
        if role == known:
            return known
    raise UserInputError(f"role must be 'liaison', 'admin' or 'institution', not {role!r}")


def _normalized(email: str) -> str:
    try:
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return email.strip().lower()


def _find(s: Session, email: str) -> Liaison:
    email = _normalized(email)
    row = s.scalars(select(Liaison).where(Liaison.email == email)).first()
    if row is None:
        raise NotFoundError(f"no liaison account with email {email}")
    return row


def _end_sessions(s: Session, liaison_id: int) -> int:
    ended = s.execute(delete(ConsoleSession).where(ConsoleSession.liaison_id == liaison_id))
    return int(getattr(ended, "rowcount", 0) or 0)


def _refuse_last_admin(s: Session, row: Liaison, action: str) -> None:
    """Raise ConflictError when `row` is the only active admin (the secretariat would lock itself out)."""
    if row.role != "admin" or not row.active:
        return
    others = s.scalar(
        select(func.count())
        .select_from(Liaison)
        .where(Liaison.role == "admin", Liaison.active.is_(True), Liaison.id != row.id)
    )
    if not others:
        raise ConflictError(
            f"cannot {action} {row.email}: it is the last active admin account "
            "(make another account admin first)"
        )


def list_liaisons(db: Database) -> list[LiaisonInfo]:
    """Return every account, oldest first."""
    with db.session() as s:
        return [LiaisonInfo.of(row, s) for row in s.scalars(select(Liaison).order_by(Liaison.id))]


def get_liaison(db: Database, email: str) -> LiaisonInfo:
    """Return one account by email; raise NotFoundError when there is none."""
    with db.session() as s:
        return LiaisonInfo.of(_find(s, email), s)


def disable_liaison(db: Database, email: str) -> Disabled:
    """Deactivate an account and end its console sessions (refused for the last active admin).

    Its token and password stop working at once. Tickets it holds stay claimed: hand them back
    to the queue with `requeue_tickets` (or `requeue_tickets_now` outside an event loop).
    """
    with db.session() as s:
        row = _find(s, email)
        _refuse_last_admin(s, row, "disable")
        was_active = bool(row.active)
        row.active = False
        ended = _end_sessions(s, row.id)
        s.flush()
        return Disabled(LiaisonInfo.of(row, s), was_active, ended)


def enable_liaison(db: Database, email: str) -> tuple[LiaisonInfo, bool]:
    """Reactivate an account with its existing credentials; return it and whether it was disabled."""
    with db.session() as s:
        row = _find(s, email)
        was_disabled = not row.active
        row.active = True
        s.flush()
        return LiaisonInfo.of(row, s), was_disabled


def reset_credentials(
    db: Database, email: str, *, password: bool = True, token: bool = True
) -> Reset:
    """Replace the password and/or API token; the old ones stop working and console sessions end.

    A new token also unlinks Telegram (linking is done with the token, which may have leaked):
    the liaison sends `/link <new token>` to the bot again.
    """
    if not password and not token:
        raise UserInputError("nothing to reset: choose the password, the token or both")
    new_pw = new_password() if password else None
    new_tok = new_token("l_") if token else None
    with db.session() as s:
        row = _find(s, email)
        unlinked = False
        if new_pw is not None:
            row.password_hash = hash_password(new_pw)
        if new_tok is not None:
            row.token_hash = hash_token(new_tok)
            unlinked = row.telegram_user_id is not None
            row.telegram_user_id = None
        ended = _end_sessions(s, row.id)
        s.flush()
        return Reset(LiaisonInfo.of(row, s), new_pw, new_tok, ended, unlinked)


def set_role(
    db: Database, email: str, role: str, institution: str | None = None
) -> tuple[LiaisonInfo, str]:
    """Change an account's role; return it and its previous role (refused for the last active admin).

    Becoming `institution` needs the institution; leaving it drops the scope. A change that
    narrows or moves what the account may see ends its console sessions, so no open page keeps
    what the old role could see.
    """
    wanted = check_role(role)
    scope = check_institution(institution) if wanted == PARTNER_ROLE else None
    if scope is None and institution:
        raise UserInputError("--institution is only for accounts with role 'institution'")
    with db.session() as s:
        row = _find(s, email)
        previous = row.role
        if previous == "admin" and wanted != "admin":
            _refuse_last_admin(s, row, "demote")
        current = s.get(PartnerAccount, row.id)
        # Sessions end when what the account may see shrinks or moves: a demoted admin, an
        # account entering or leaving the partner desk, a partner moved to another institution.
        changed = (previous == "admin" and wanted != "admin") or (
            PARTNER_ROLE in (previous, wanted)
            and (previous != wanted or (current.institution if current else None) != scope)
        )
        row.role = wanted
        if scope is None and current is not None:
            s.delete(current)
        elif scope is not None and current is None:
            s.add(PartnerAccount(liaison_id=row.id, institution=scope))
        elif scope is not None and current is not None:
            current.institution = scope
        if changed:
            _end_sessions(s, row.id)
            if wanted == PARTNER_ROLE:
                row.telegram_user_id = None  # the staff group is the secretariat's
        s.flush()
        return LiaisonInfo.of(row, s), previous


def requeue_note(liaison: LiaisonInfo) -> str:
    """Return the internal note left on a ticket handed back from a disabled account."""
    return f"Back in the waiting queue: {liaison.name}'s account was disabled."


async def requeue_tickets(handoffs: HandoffService, liaison: LiaisonInfo) -> list[dict[str, Any]]:
    """Put the tickets the liaison holds back in the waiting queue; return their queue entries."""
    return await handoffs.release_all(liaison.id, requeue_note(liaison))


def requeue_tickets_now(
    settings: Settings, db: Database, liaison: LiaisonInfo
) -> list[dict[str, Any]]:
    """Run `requeue_tickets` from synchronous code (the CLI), with the configured event bus.

    With Redis (`WIL_REDIS_URL`) running servers hear the change at once; with the in-process
    bus, consoles and the person's page see it on their next refresh.
    """
    from assistant.events import Outbound, make_bus
    from assistant.handoff.service import HandoffService

    async def run() -> list[dict[str, Any]]:
        bus = make_bus(settings.redis_url)
        try:
            service = HandoffService(settings, db, bus, Outbound())
            return await requeue_tickets(service, liaison)
        finally:
            await bus.close()

    return asyncio.run(run())
