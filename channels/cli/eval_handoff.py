"""The `eval handoff` command: precision and recall of the handoff detector, offline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from evals.handoff_eval import DEFAULT_DATASET, DEFAULT_RESULTS, format_report, run_handoff_eval


def register_eval(eval_app: typer.Typer) -> None:
    """Add the `handoff` command to the `eval` command group."""

    @eval_app.command("handoff")
    def handoff(
        dataset: Annotated[Path, typer.Option(help="Handoff dataset (YAML).")] = DEFAULT_DATASET,
        output: Annotated[
            Path, typer.Option(help="Where to write the JSON report.")
        ] = DEFAULT_RESULTS,
    ) -> None:
        """Score when the assistant hands a person to a liaison; exit 1 if in-sample targets are missed."""
        if not dataset.is_file():
            typer.echo(f"error: no dataset at {dataset}", err=True)
            raise typer.Exit(2)
        try:
            result = run_handoff_eval(dataset, output)
        except ValueError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        typer.echo(format_report(result))
        typer.echo(f"report written to {output}")
        if not result.in_sample.meets_targets:
            raise typer.Exit(code=1)
