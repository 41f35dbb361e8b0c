"""`wil-assistant liaison add`: create secretariat staff accounts."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from assistant.errors import WilError
from assistant.liaisons import create_liaison
from assistant.store.db import Database
from channels.cli.common import settings_or_exit

liaison_app = typer.Typer(help="Manage liaison (secretariat staff) accounts.", no_args_is_help=True)


class RoleChoice(str, Enum):
    liaison = "liaison"
    admin = "admin"


@liaison_app.command("add")
def add(
    email: Annotated[str, typer.Argument(help="The liaison's email address (their login).")],
    name: Annotated[str, typer.Option("--name", help="Display name shown to people.")],
    role: Annotated[
        RoleChoice, typer.Option("--role", help="liaison or admin.")
    ] = RoleChoice.liaison,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Overrides WIL_DATA_DIR.")
    ] = None,
) -> None:
    """Create an account; print a one-time console password, then the API token as the last line."""
    settings = settings_or_exit(data_dir=data_dir)
    db = Database(settings.sqlalchemy_url)
    db.migrate()
    try:
        created = create_liaison(db, email, name, role.value)
    except WilError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    finally:
        db.dispose()
    typer.echo(f"Created {created.role} {created.name} <{created.email}> (id {created.id}).")
    typer.echo(f"One-time console password: {created.password}")
    typer.echo("API token (shown once; send it as 'Authorization: Bearer <token>'):")
    typer.echo(created.token)


def register(app: typer.Typer) -> None:
    """Add the `liaison` command group."""
    app.add_typer(liaison_app, name="liaison")
