"""The `eval understanding` command: cross-validated scores of the learned decisions, and blind sets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from evals.understanding_eval import BLIND_DIR, RESULTS, format_report, run_understanding_eval


def register_eval(eval_app: typer.Typer) -> None:
    """Add the `understanding` command to the `eval` command group."""

    @eval_app.command("understanding")
    def understanding(
        folds: Annotated[int, typer.Option(min=2, max=20, help="Cross-validation folds.")] = 5,
        blind: Annotated[Path, typer.Option(help="Folder of blind sets.")] = BLIND_DIR,
        output: Annotated[Path, typer.Option(help="Where to write the JSON report.")] = RESULTS
        / "understanding.json",
    ) -> None:
        """Score intent routing and handoff detection by k-fold cross-validation and on blind sets."""
        report = run_understanding_eval(folds, blind)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
        typer.echo(format_report(report))
        typer.echo(f"report written to {output}")
