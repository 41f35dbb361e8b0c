"""The `eval answers` command: score grounded answers, declines and refusals, offline and with the LLM."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from channels.cli.common import settings_or_exit
from evals.answers_eval import DATASET, HELD_OUT, RESULTS, run_answers_eval


def _rates(summary: dict[str, Any], indent: str = "  ") -> list[str]:
    lines = []
    for group in ("by_language", "by_category", "by_language_category"):
        for name, rate in summary[group].items():
            lines.append(
                f"{indent}{name:<16} {rate['passed']:>3}/{rate['total']:<3} {rate['rate']:.1%}"
            )
    return lines


def format_report(report: dict[str, Any]) -> str:
    """Return the pass rates per mode, language and category as text (main cases first, then
    each held-out batch, with its first recorded score when there is one)."""
    lines = [f"answers eval: {report['cases']} cases ({report['dataset']})"]
    first_scores = report.get("first_scores") or {}
    for mode, summary in report["modes"].items():
        if "skipped" in summary:
            lines.append(f"\n[{mode}] skipped: {summary['skipped']}")
            continue
        overall = summary["overall"]
        lines.append(
            f"\n[{mode}] overall {overall['passed']}/{overall['total']} ({overall['rate']:.1%})"
        )
        lines += _rates(summary)
        for name in HELD_OUT:
            held = summary.get(name)
            if not held:
                continue
            rate = held["overall"]
            line = f"  held-out {name}: {rate['passed']}/{rate['total']} ({rate['rate']:.1%})"
            first = first_scores.get(name)
            if first and mode == first.get("mode"):
                was = first["overall"]
                line += f"; first score {was['passed']}/{was['total']} ({first['recorded_at']})"
            lines.append(line)
            lines += _rates(held, indent="    ")
            for lang, diff in (held.get("answered_a_different_question") or {}).items():
                lines.append(
                    f"    answered a different question ({lang}): {diff['count']}/{diff['total']}"
                )
        for lang, diff in (summary.get("answered_a_different_question") or {}).items():
            lines.append(
                f"  answered a different question ({lang}): {diff['count']}/{diff['total']}"
                f" ({diff['rate']:.1%})"
            )
        if summary.get("declined_with_nearby_topics") is not None:
            lines.append(
                f"  declined naming nearby topics: {summary['declined_with_nearby_topics']}"
            )
        if summary.get("cited_expected_section") is not None:
            lines.append(f"  cited the expected section: {summary['cited_expected_section']:.1%}")
        if "llm_fallbacks" in summary:
            lines.append(f"  extractive fallbacks: {summary['llm_fallbacks']}")
        latency = summary["latency_ms"]
        lines.append(f"  turn latency p50 {latency['p50']} ms, p95 {latency['p95']} ms")
        for failure in summary["failures"]:
            lines.append(f"  FAIL {failure['id']}: {'; '.join(failure['reasons'])}")
    return "\n".join(lines)


def register_eval(eval_app: typer.Typer) -> None:
    """Add the `answers` command to the `eval` command group."""

    @eval_app.command("answers")
    def answers(
        dataset: Annotated[Path, typer.Option(help="Answers dataset (YAML).")] = DATASET,
        output: Annotated[Path, typer.Option(help="Where to write the JSON report.")] = RESULTS,
        data_dir: Annotated[
            Path | None,
            typer.Option(help="Data dir holding the knowledge index (default: WIL_DATA_DIR)."),
        ] = None,
        offline_only: Annotated[
            bool,
            typer.Option(
                "--offline-only", help="Skip the LLM mode even when an LLM is configured."
            ),
        ] = False,
        min_rate: Annotated[
            float, typer.Option(help="Exit 1 when the offline pass rate is below this.")
        ] = 0.0,
    ) -> None:
        """Score the dataset offline (extractive) and, when configured, with the LLM; write a JSON report."""
        settings = settings_or_exit(data_dir=data_dir)
        modes = ("offline",) if offline_only else ("offline", "llm")
        report = run_answers_eval(settings, modes=modes, dataset=dataset, output=output)
        typer.echo(format_report(report))
        typer.echo(f"\nwrote {output}")
        offline = report["modes"]["offline"]["overall"]["rate"] or 0.0
        if offline < min_rate:
            raise typer.Exit(code=1)
