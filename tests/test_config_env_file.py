"""A `.env` file in the working directory configures the app, as the README says."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import load_settings
from assistant.errors import ConfigError


def test_dotenv_is_read_and_the_environment_wins(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text(
        "# copied from .env.example\nWIL_PORT=8123\nWIL_PUBLIC_URL=http://127.0.0.1:8123\n"
        "WIL_RETENTION_DAYS=90\nOPENAI_API_KEY=sk-from-dotenv\nUNRELATED=1\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WIL_PORT", raising=False)
    monkeypatch.setenv("WIL_RETENTION_DAYS", "30")
    s = load_settings()
    assert s.port == 8123 and s.public_url == "http://127.0.0.1:8123"
    assert s.retention_days == 30  # a real variable overrides the file
    assert s.openai_api_key is not None
    assert s.openai_api_key.get_secret_value() == "sk-from-dotenv"


def test_bad_value_in_dotenv_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text("WIL_PORT=eighty\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WIL_PORT", raising=False)
    with pytest.raises(ConfigError, match="WIL_PORT"):
        load_settings()
