"""`wil-assistant liaison ...`: create, list, disable/enable, reset and re-role staff accounts.

Institution partners use the same commands with `--role institution --institution <id>`.

The logic lives in `assistant.liaisons`; these commands parse, call it and print. Errors are one
line on stderr: exit status 2 for bad input, 1 for an unknown account or a refused change.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from assistant.config import Settings
from assistant.errors import UserInputError, WilError
from assistant.liaisons import (
    LiaisonInfo,
    create_liaison,
    disable_liaison,
    enable_liaison,
    list_liaisons,
    requeue_tickets_now,
    reset_credentials,
    set_role,
)
from assistant.store.db import Database
from channels.cli.common import settings_or_exit

liaison_app = typer.Typer(help="Manage liaison (secretariat staff) accounts.", no_args_is_help=True)

EmailArg = Annotated[str, typer.Argument(help="The liaison's email address (their login).")]
DataDirOpt = Annotated[Path | None, typer.Option("--data-dir", help="Overrides WIL_DATA_DIR.")]
BEARER_HINT = "API token (shown once; send it as 'Authorization: Bearer <token>'):"


class RoleChoice(str, Enum):
    liaison = "liaison"
    admin = "admin"
    institution = "institution"


InstitutionOpt = Annotated[
    str | None,
    typer.Option(
        "--institution",
        help="For role institution: ucalgary, mru, sait, bow_valley, ambrose, st_marys or auarts.",
    ),
]


def _fail(exc: WilError) -> NoReturn:
    typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(2 if isinstance(exc, UserInputError) else 1) from None


@contextmanager
def _database(data_dir: Path | None) -> Iterator[tuple[Settings, Database]]:
    """Yield settings and the migrated database; print a WilError as one line and exit."""
    settings = settings_or_exit(data_dir=data_dir)
    db = Database(settings.sqlalchemy_url)
    try:
        db.migrate()
        yield settings, db
    except WilError as exc:
        _fail(exc)
    finally:
        db.dispose()


def _who(info: LiaisonInfo) -> str:
    role = f"{info.role}: {info.institution}" if info.institution else info.role
    return f"{info.name} <{info.email}> ({role})"


def _sessions(count: int) -> str:
    return f"{count} console session{'' if count == 1 else 's'} ended"


@liaison_app.command("add")
def add(
    email: EmailArg,
    name: Annotated[str, typer.Option("--name", help="Display name shown to people.")],
    role: Annotated[
        RoleChoice, typer.Option("--role", help="liaison, admin or institution.")
    ] = RoleChoice.liaison,
    institution: InstitutionOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Create an account; print a one-time console password, then the API token as the last line."""
    with _database(data_dir) as (_, db):
        created = create_liaison(db, email, name, role.value, institution=institution)
    scope = f" for {created.institution}" if created.institution else ""
    typer.echo(f"Created {created.role} {created.name} <{created.email}>{scope} (id {created.id}).")
    typer.echo(f"One-time console password: {created.password}")
    typer.echo(BEARER_HINT)
    typer.echo(created.token)


@liaison_app.command("list")
def list_(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON array for scripts.")
    ] = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Show every account: email, name, role, active, Telegram linked, created (never secrets)."""
    with _database(data_dir) as (_, db):
        accounts = list_liaisons(db)
    if as_json:
        typer.echo(json.dumps([a.as_dict() for a in accounts], ensure_ascii=False, indent=2))
        return
    if not accounts:
        typer.echo("No liaison accounts yet: create one with `wil-assistant liaison add`.")
        return
    header = ("EMAIL", "NAME", "ROLE", "ACTIVE", "TELEGRAM", "CREATED (UTC)")
    rows = [
        (
            a.email,
            a.name,
            f"{a.role}: {a.institution}" if a.institution else a.role,
            "yes" if a.active else "no",
            "linked" if a.telegram_linked else "-",
            (a.created_at or "")[:16].replace("T", " "),
        )
        for a in accounts
    ]
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        typer.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


@liaison_app.command("disable")
def disable(email: EmailArg, data_dir: DataDirOpt = None) -> None:
    """Disable an account: sessions end, token and password stop working, its tickets go back to the queue."""
    with _database(data_dir) as (settings, db):
        done = disable_liaison(db, email)
        requeued = requeue_tickets_now(settings, db, done.liaison)
    if done.was_active:
        typer.echo(
            f"Disabled {_who(done.liaison)}: {_sessions(done.sessions_ended)}; "
            "their API token and password no longer work."
        )
    else:
        typer.echo(f"{_who(done.liaison)} was already disabled.")
    if requeued:
        ids = ", ".join(str(t["id"])[:8] for t in requeued)
        count = len(requeued)
        typer.echo(
            f"{count} ticket{'' if count == 1 else 's'} they held "
            f"{'is' if count == 1 else 'are'} back in the waiting queue: {ids}."
        )


@liaison_app.command("enable")
def enable(email: EmailArg, data_dir: DataDirOpt = None) -> None:
    """Re-enable a disabled account with its existing password and token."""
    with _database(data_dir) as (_, db):
        info, was_disabled = enable_liaison(db, email)
    if not was_disabled:
        typer.echo(f"{_who(info)} is already active.")
        return
    typer.echo(
        f"Enabled {_who(info)}. Their previous password and token work again; "
        f"run `wil-assistant liaison reset {info.email}` if they were lost."
    )


@liaison_app.command("reset")
def reset(
    email: EmailArg,
    password: Annotated[
        bool, typer.Option("--password", help="New one-time console password.")
    ] = False,
    token: Annotated[bool, typer.Option("--token", help="New API token.")] = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Issue a new password and/or API token (both by default); the old ones stop working.

    Console sessions end. The new token, when there is one, is the last line.
    """
    both = not password and not token
    with _database(data_dir) as (_, db):
        done = reset_credentials(db, email, password=password or both, token=token or both)
    what = " and ".join(
        part
        for part, new in (("password", done.password), ("API token", done.token))
        if new is not None
    )
    typer.echo(f"New {what} for {_who(done.liaison)}; {_sessions(done.sessions_ended)}.")
    if not done.liaison.active:
        typer.echo(
            "Note: this account is disabled; `wil-assistant liaison enable` lets it sign in."
        )
    if done.telegram_unlinked:
        typer.echo("Telegram unlinked: they send /link with the new token to the bot again.")
    if done.password is not None:
        typer.echo(f"One-time console password: {done.password}")
    if done.token is not None:
        typer.echo(BEARER_HINT)
        typer.echo(done.token)


@liaison_app.command("role")
def role(
    email: EmailArg,
    new_role: Annotated[
        str, typer.Argument(metavar="admin|liaison|institution", help="The new role.")
    ],
    institution: InstitutionOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Make an account an admin, a liaison or an institution partner (the last active admin
    cannot be demoted); its console sessions end when its role changes."""
    with _database(data_dir) as (_, db):
        info, previous = set_role(db, email, new_role.strip().lower(), institution)
    if previous == info.role and not institution:
        typer.echo(f"{_who(info)} is already {info.role}.")
    else:
        typer.echo(f"{_who(info)} is now {info.role} (was {previous}).")


def register(app: typer.Typer) -> None:
    """Add the `liaison` command group."""
    app.add_typer(liaison_app, name="liaison")
