"""The `eval intake` command: score intake extraction and scripted dialogs offline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from evals.intake_eval import DATASET, RESULTS, TARGET_F1, format_report, meets_targets, run


def register_eval(eval_app: typer.Typer) -> None:
    """Add the `intake` command to the `eval` command group."""

    @eval_app.command("intake")
    def intake(
        dataset: Annotated[Path, typer.Option(help="Intake dataset (YAML).")] = DATASET,
        output: Annotated[Path, typer.Option(help="Where to write the JSON report.")] = RESULTS,
        min_f1: Annotated[
            float, typer.Option(help="Fail below this in-sample micro F1.")
        ] = TARGET_F1,
    ) -> None:
        """Score extraction and dialogs; exit 1 if the in-sample targets are missed (held-out informs)."""
        report = run(dataset, output)
        typer.echo(format_report(report))
        if not meets_targets(report["in_sample"], min_f1):
            raise typer.Exit(code=1)
