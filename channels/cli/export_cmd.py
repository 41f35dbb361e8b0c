"""`wil-assistant export intakes`: intakes as CSV or JSON Lines, to stdout or a file."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from assistant.exports import ExportOptions, export_intakes, iter_export_csv, iter_export_jsonl
from assistant.store.db import Database
from channels.cli.common import settings_or_exit

export_app = typer.Typer(help="Export stored data.", no_args_is_help=True)


class KindChoice(str, Enum):
    employer = "employer"
    student = "student"


class FormatChoice(str, Enum):
    csv = "csv"
    jsonl = "jsonl"


class LangChoice(str, Enum):
    en = "en"
    fr = "fr"


@export_app.command("intakes")
def export_intakes_command(
    kind: Annotated[
        KindChoice | None, typer.Option(help="employer or student (default: both).")
    ] = None,
    fmt: Annotated[FormatChoice, typer.Option("--format", help="csv or jsonl.")] = FormatChoice.csv,
    lang: Annotated[
        LangChoice, typer.Option("--lang", help="Language of the headers and labels.")
    ] = LangChoice.en,
    include_drafts: Annotated[
        bool,
        typer.Option(
            "--include-drafts",
            help="Also drafts and intakes without consent to share (internal use only).",
        ),
    ] = False,
    codes: Annotated[
        bool, typer.Option("--codes", help="Stored codes instead of labels (for scripts).")
    ] = False,
    status: Annotated[str | None, typer.Option(help="Only this status, e.g. submitted.")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File (default: stdout).")
    ] = None,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Overrides WIL_DATA_DIR.")
    ] = None,
) -> None:
    """Write intakes a secretariat can hand on: submitted with consent, labels, Calgary time.

    CSV has one row per intake with the reference people were told, language and channel;
    `--include-drafts` adds drafts and intakes without consent, `--codes` writes stored codes.
    """
    settings = settings_or_exit(data_dir=data_dir)
    options = ExportOptions(
        kind=kind.value if kind else None,
        locale=lang.value,
        include_drafts=include_drafts or (status is not None and status != "submitted"),
        codes=codes,
        timezone=settings.timezone,
    )
    db = Database(settings.sqlalchemy_url)
    db.migrate()
    try:
        rows = export_intakes(db, options)
    finally:
        db.dispose()
    if status:
        rows = [r for r in rows if r.item.get("status") == status]
    chunks = (
        iter_export_csv(rows, options)
        if fmt is FormatChoice.csv
        else iter_export_jsonl(rows, options)
    )
    if output is None:
        for chunk in chunks:
            sys.stdout.write(chunk.removeprefix("\ufeff"))
        return
    with output.open("w", encoding="utf-8", newline="") as fh:
        for chunk in chunks:
            fh.write(chunk)
    left_out = "" if include_drafts else " (submitted with consent; --include-drafts for all)"
    typer.echo(f"Wrote {len(rows)} intake(s) to {output}{left_out}", err=True)


def register(app: typer.Typer) -> None:
    """Add the `export` command group."""
    app.add_typer(export_app, name="export")
