"""Helpers shared by CLI commands: settings with friendly errors."""

from __future__ import annotations

import typer

from assistant.config import Settings, load_settings
from assistant.errors import ConfigError


def settings_or_exit(**overrides: object) -> Settings:
    """Return settings, or print the configuration problem and exit with status 2."""
    try:
        return load_settings(**{k: v for k, v in overrides.items() if v is not None})
    except ConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
