"""The `eval retrieval` command: recall@1/5 and MRR for BM25, dense and hybrid search."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register_eval(eval_app: typer.Typer) -> None:
    """Add the `retrieval` command to the `eval` command group."""
    from evals.retrieval_eval import DEFAULT_DATASET, DEFAULT_OUTPUT, default_cache_dir

    @eval_app.command("retrieval")
    def retrieval(
        dataset: Annotated[Path, typer.Option(help="Retrieval dataset (YAML).")] = DEFAULT_DATASET,
        output: Annotated[
            Path, typer.Option(help="Where to write the JSON report.")
        ] = DEFAULT_OUTPUT,
        knowledge: Annotated[
            Path | None, typer.Option(help="Knowledge folder to index (default: the repository's).")
        ] = None,
        use_audience: Annotated[
            bool, typer.Option(help="Filter by each question's audience.")
        ] = True,
        cache: Annotated[
            bool,
            typer.Option(
                help="Reuse the index and embeddings cached for this knowledge content "
                "(WIL_EVAL_CACHE, default ~/.cache/wil-assistant/eval)."
            ),
        ] = True,
        min_recall: Annotated[
            float, typer.Option(help="Fail if hybrid recall@5 is below this in a language.")
        ] = 0.0,
    ) -> None:
        """Index the knowledge base (cached per content hash) and score retrieval per language."""
        from evals.retrieval_eval import run

        report = run(
            knowledge_dir=knowledge,
            dataset=dataset,
            output=output,
            use_audience=use_audience,
            cache_dir=default_cache_dir() if cache else None,
        )
        worst = min(
            report["metrics"][lang]["hybrid"]["recall@5"]
            for lang in ("en", "fr")
            if lang in report["metrics"]
        )
        if worst < min_recall:
            typer.echo(f"hybrid recall@5 {worst:.2f} is below {min_recall:.2f}", err=True)
            raise typer.Exit(1)
