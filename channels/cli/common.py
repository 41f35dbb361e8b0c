"""Helpers shared by CLI commands: settings with friendly errors, the index built on first run."""

from __future__ import annotations

import contextlib
import importlib
import logging
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import typer

from assistant.config import Settings, load_settings
from assistant.errors import ConfigError

logger = logging.getLogger(__name__)


def settings_or_exit(**overrides: object) -> Settings:
    """Return settings, or print the configuration problem and exit with status 2."""
    try:
        return load_settings(**{k: v for k, v in overrides.items() if v is not None})
    except ConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


PROGRESS_EVERY_S = 5.0
REFRESH = "The knowledge changed since the index was built: re-indexed the pages that changed."


def ensure_index(
    settings: Settings,
    retriever: Any = None,
    *,
    announce: str = "No knowledge index yet: ingesting the default knowledge (first run only)...",
    err: bool = False,
) -> bool:
    """Bring the index in line with the knowledge folder; return True when it indexed anything.

    On the first run everything is embedded. Afterwards the index is compared with the
    knowledge it was built from (each file's hash, with the loading pipeline's version): pages
    changed by an upgrade or an edit are re-indexed and deleted ones removed, so an old index
    kept on a volume does not keep answering from old pages. When nothing changed this only
    reads the files. `retriever` is the one already open on the data dir (`serve` opens its
    own when None). Progress goes to stderr with `err` (`chat` keeps stdout for the
    transcript); a bar on a terminal, otherwise a line every few seconds, so a first run in a
    container or behind `make run | tee` does not look stuck.
    """
    try:
        retrieval = importlib.import_module("assistant.retrieval")
    except ModuleNotFoundError:
        logger.warning("retrieval not available in this build; skipping ingestion")
        return False
    from assistant.runtime import build_retriever, index_info

    if retriever is None:
        retriever = build_retriever(settings)
    if retriever is None:
        return False
    info = index_info(retriever) or {}
    first_run = not info.get("chunks")
    if first_run:
        typer.echo(announce, err=err)
    bar = first_run and not err and sys.stdout.isatty()
    with _progress_lines(retriever.index, enabled=not bar, err=err):
        summary = retrieval.ingest(retriever.index, [settings.knowledge_path], progress=bar)
    changed = summary.chunks_added + summary.chunks_updated + summary.chunks_removed
    if not first_run and not changed:
        logger.info("knowledge index ready (%s chunks, unchanged)", info["chunks"])
        return False
    if not first_run:
        typer.echo(REFRESH, err=err)
    files = summary.files - summary.files_skipped
    typer.echo(
        f"Indexed {files} file{'' if files == 1 else 's'}, {summary.chunks_added} new "
        f"chunks, {summary.chunks_updated} updated, {summary.chunks_removed} removed "
        f"in {summary.seconds:.0f} s.",
        err=err,
    )
    return True


@contextlib.contextmanager
def _progress_lines(index: Any, *, enabled: bool, err: bool) -> Iterator[None]:
    """Print "indexing: N sections embedded in T s" every few seconds while the index embeds.

    The progress bar is drawn only on a terminal; under a process manager, in a container or
    piped, these lines are what shows the first run is moving. They come from a timer, not from
    the embedding batches: on a busy machine one batch can take a minute, and a silent minute
    looks like a hang. The index's `embed_texts` is wrapped (to count) for this call only.
    """
    embed = getattr(index, "embed_texts", None)
    if not enabled or embed is None:
        yield
        return
    done = 0
    started: float | None = None
    stop = threading.Event()

    def counted(texts: list[str]) -> Any:
        nonlocal done, started
        if started is None:
            started = time.monotonic()
        vectors = embed(texts)
        done += len(texts)
        return vectors

    def heartbeat() -> None:
        while not stop.wait(max(PROGRESS_EVERY_S, 0.05)):
            if started is not None:
                elapsed = time.monotonic() - started
                typer.echo(f"indexing: {done} sections embedded in {elapsed:.0f} s...", err=err)

    index.embed_texts = counted
    timer = threading.Thread(target=heartbeat, name="ingest-progress", daemon=True)
    timer.start()
    try:
        yield
    finally:
        stop.set()
        timer.join(timeout=5)
        if started is not None:
            # The last count, also when embedding finished before the first beat (a warm cache).
            elapsed = time.monotonic() - started
            typer.echo(f"indexing: {done} sections embedded in {elapsed:.0f} s", err=err)
        del index.embed_texts  # back to the class's method
