"""`wil-assistant export intakes`: intakes as CSV or JSON Lines, to stdout or a file."""

from __future__ import annotations

import json
import sys
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from assistant.exports import (
    ExportOptions,
    export_intakes,
    export_xlsx,
    iter_export_csv,
    iter_export_jsonl,
)
from assistant.partners.reports import (
    Period,
    iter_report_csv,
    outcomes_report,
    report_rows,
    report_xlsx,
)
from assistant.store.db import Database
from channels.cli.common import settings_or_exit

export_app = typer.Typer(
    help="Export stored data: intakes, and the outcomes report for funders.", no_args_is_help=True
)


class KindChoice(str, Enum):
    employer = "employer"
    student = "student"


class FormatChoice(str, Enum):
    csv = "csv"
    jsonl = "jsonl"
    xlsx = "xlsx"


class LangChoice(str, Enum):
    en = "en"
    fr = "fr"


@export_app.command("intakes")
def export_intakes_command(
    kind: Annotated[
        KindChoice | None, typer.Option(help="employer or student (default: both).")
    ] = None,
    fmt: Annotated[
        FormatChoice, typer.Option("--format", help="csv, jsonl or xlsx (needs -o).")
    ] = FormatChoice.csv,
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
    if fmt is FormatChoice.xlsx:
        if output is None:
            typer.echo("error: --format xlsx needs --output FILE.xlsx", err=True)
            raise typer.Exit(2)
        output.write_bytes(export_xlsx(rows, options))
        typer.echo(f"Wrote {len(rows)} intake(s) to {output}", err=True)
        return
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


class ReportFormat(str, Enum):
    text = "text"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


def _date(value: str | None, option: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        typer.echo(f"error: {option} must be a date like 2026-09-01, not {value!r}", err=True)
        raise typer.Exit(2) from None


@export_app.command("outcomes")
def export_outcomes_command(
    start: Annotated[
        str | None, typer.Option("--from", help="First day (Calgary), e.g. 2026-09-01.")
    ] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day (Calgary), included.")] = None,
    fmt: Annotated[
        ReportFormat, typer.Option("--format", help="text (a table), csv, json or xlsx (needs -o).")
    ] = ReportFormat.text,
    lang: Annotated[LangChoice, typer.Option("--lang", help="Language of the labels.")] = (
        LangChoice.en
    ),
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File (default: stdout).")
    ] = None,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Overrides WIL_DATA_DIR.")
    ] = None,
) -> None:
    """Write the numbers a funder asks for: employers engaged, offers routed, taken up and
    filled, students placed, by institution, term, WIL type and organization size."""
    period = Period(_date(start, "--from"), _date(end, "--to"))
    if period.start and period.end and period.end < period.start:
        typer.echo("error: --to is before --from", err=True)
        raise typer.Exit(2)
    settings = settings_or_exit(data_dir=data_dir)
    db = Database(settings.sqlalchemy_url)
    db.migrate()
    try:
        report = outcomes_report(db, period, settings.timezone)
    finally:
        db.dispose()
    if fmt is ReportFormat.xlsx:
        if output is None:
            typer.echo("error: --format xlsx needs --output FILE.xlsx", err=True)
            raise typer.Exit(2)
        output.write_bytes(report_xlsx(report, lang.value))
        typer.echo(f"Wrote the outcomes report to {output}", err=True)
        return
    if fmt is ReportFormat.json:
        text = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    elif fmt is ReportFormat.csv:
        text = "".join(iter_report_csv(report, lang.value))
        if output is None:
            text = text.removeprefix("\ufeff")
    else:
        rows = list(report_rows(report, lang.value))
        width = max((len(f"{a} {b} {c}".strip()) for a, b, c, _ in rows), default=10)
        lines = []
        for section, group, measure, value in rows:
            name = " · ".join(x for x in (section, group, measure) if x)
            lines.append(f"{name.ljust(width + 4)}{value:>6}")
        text = "\n".join(lines) + "\n"
    if output is None:
        sys.stdout.write(text)
        return
    output.write_text(text, encoding="utf-8")
    typer.echo(f"Wrote the outcomes report to {output}", err=True)


def register(app: typer.Typer) -> None:
    """Add the `export` command group."""
    app.add_typer(export_app, name="export")
