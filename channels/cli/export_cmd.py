"""`wil-assistant export intakes`: intakes as CSV or JSON Lines, to stdout or a file."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from assistant.exports import iter_csv, iter_jsonl, list_intakes
from assistant.store.db import Database
from channels.cli.common import settings_or_exit

export_app = typer.Typer(help="Export stored data.", no_args_is_help=True)


class KindChoice(str, Enum):
    employer = "employer"
    student = "student"


class FormatChoice(str, Enum):
    csv = "csv"
    jsonl = "jsonl"


@export_app.command("intakes")
def export_intakes(
    kind: Annotated[
        KindChoice | None, typer.Option(help="employer or student (default: both).")
    ] = None,
    fmt: Annotated[FormatChoice, typer.Option("--format", help="csv or jsonl.")] = FormatChoice.csv,
    status: Annotated[str | None, typer.Option(help="Only this status, e.g. submitted.")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File (default: stdout).")
    ] = None,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Overrides WIL_DATA_DIR.")
    ] = None,
) -> None:
    """Write intakes as CSV (one row each, fields as columns) or JSON Lines."""
    settings = settings_or_exit(data_dir=data_dir)
    db = Database(settings.sqlalchemy_url)
    db.migrate()
    try:
        rows = list_intakes(db, kind=kind.value if kind else None, status=status)
    finally:
        db.dispose()
    chunks = (
        iter_csv(rows, kind.value if kind else None)
        if fmt is FormatChoice.csv
        else iter_jsonl(rows)
    )
    if output is None:
        for chunk in chunks:
            sys.stdout.write(chunk)
        return
    with output.open("w", encoding="utf-8", newline="") as fh:
        for chunk in chunks:
            fh.write(chunk)
    typer.echo(f"Wrote {len(rows)} intake(s) to {output}", err=True)


def register(app: typer.Typer) -> None:
    """Add the `export` command group."""
    app.add_typer(export_app, name="export")
