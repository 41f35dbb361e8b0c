"""The `ingest` command: index knowledge files into the data directory."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

import typer

logger = logging.getLogger(__name__)


def _embedder_for(settings: Any) -> Any:
    """Build the embedder the settings ask for."""
    from assistant.retrieval import make_embedder

    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    return make_embedder(
        settings.embedder,
        cache_dir=settings.data_dir / "models",
        base_url=settings.llm_base_url,
        api_key=key,
        model=settings.embedding_model,
    )


def print_summary(summary: Any, data_dir: Path, info: dict[str, Any]) -> None:
    """Print an ingest summary as a table, then any per-file errors."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Ingest into {data_dir}")
    for col in (
        "files",
        "skipped",
        "chunks added",
        "updated",
        "removed",
        "errors",
        "seconds",
        "index",
    ):
        table.add_column(col, justify="right")
    table.add_row(
        str(summary.files),
        str(summary.files_skipped),
        str(summary.chunks_added),
        str(summary.chunks_updated),
        str(summary.chunks_removed),
        str(len(summary.errors)),
        f"{summary.seconds:.1f}",
        f"{info['chunks']} chunks v{info['version']}",
    )
    console = Console()
    console.print(table)
    console.print(
        f"embedded {summary.texts_embedded} new sections, "
        f"reused {summary.embeddings_reused} from the embedding cache"
    )
    for path, message in summary.errors:
        console.print(f"[red]skipped[/] {path}: {message}")


def register(app: typer.Typer) -> None:
    """Add the `ingest` command to the CLI."""

    @app.command("ingest")
    def ingest_command(
        paths: Annotated[
            list[Path] | None,
            typer.Argument(help="Files or folders to index (default: the knowledge folder)."),
        ] = None,
        data_dir: Annotated[
            Path | None, typer.Option("--data-dir", help="Data directory (default: WIL_DATA_DIR).")
        ] = None,
        progress: Annotated[bool, typer.Option(help="Show a progress bar while embedding.")] = True,
        embedding_cache: Annotated[
            Path | None,
            typer.Option(
                help="Embedding cache file to share between data directories "
                "(default: embeddings_cache.sqlite in the data directory)."
            ),
        ] = None,
    ) -> None:
        """Index knowledge files; unchanged files are skipped and deleted ones removed."""
        from assistant.retrieval import IndexMismatchError, KnowledgeIndex, RetrievalError, ingest
        from channels.cli.common import settings_or_exit

        settings = settings_or_exit(data_dir=data_dir)
        targets = list(paths) if paths else [settings.knowledge_path]
        try:
            index = KnowledgeIndex(
                settings.data_dir, _embedder_for(settings), embedding_cache=embedding_cache
            )
        except IndexMismatchError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        except RetrievalError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        summary = ingest(index, targets, progress=progress)
        print_summary(summary, settings.data_dir, index.index_info())
        if summary.errors:
            raise typer.Exit(1)
