"""Errors raised by the retrieval subsystem."""

from __future__ import annotations


class RetrievalError(Exception):
    """Base class for retrieval failures."""


class IndexMismatchError(RetrievalError):
    """The index on disk was built with a different embedder."""


class EmbedderUnavailableError(RetrievalError):
    """The embedder cannot be built (missing model files, missing credentials, unknown kind)."""


class DocumentLoadError(RetrievalError):
    """A source file could not be read or parsed."""
