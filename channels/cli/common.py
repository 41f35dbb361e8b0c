"""Helpers shared by CLI commands: settings with friendly errors, the index built on first run."""

from __future__ import annotations

import importlib
import logging
import sys
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


def ensure_index(
    settings: Settings,
    retriever: Any = None,
    *,
    announce: str = "No knowledge index yet: ingesting the default knowledge (first run only)...",
    err: bool = False,
) -> bool:
    """Ingest the default knowledge when the data dir has no index yet; return True if it did.

    `retriever` is the one already open on the data dir (`serve` opens its own when None).
    Progress lines go to stderr with `err` (`chat` keeps stdout for the transcript), where no
    progress bar is drawn either.
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
    if info.get("chunks"):
        logger.info("knowledge index ready (%s chunks)", info["chunks"])
        return False
    typer.echo(announce, err=err)
    bar = not err and sys.stdout.isatty()
    summary = retrieval.ingest(retriever.index, [settings.knowledge_path], progress=bar)
    typer.echo(
        f"Indexed {summary.files} files, {summary.chunks_added} chunks in {summary.seconds:.0f} s.",
        err=err,
    )
    return True
