"""Configuration: defaults work offline, bad values fail at start naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import load_settings
from assistant.errors import ConfigError


def test_defaults_use_sqlite_in_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WIL_DATA_DIR", str(tmp_path / "d"))
    s = load_settings()
    assert s.sqlalchemy_url.endswith("/d/wil.sqlite3")
    assert s.chroma_dir == tmp_path / "d" / "chroma"
    assert s.timezone == "America/Edmonton"
    assert not s.llm_enabled and not s.telegram_enabled


@pytest.mark.parametrize(
    ("var", "value"),
    [
        ("WIL_PORT", "eighty"),
        ("WIL_TIMEZONE", "Mars/Olympus"),
        ("WIL_BUSINESS_HOURS", "17:00-09:00"),
        ("WIL_BUSINESS_DAYS", "mon,funday"),
        ("WIL_DATABASE_URL", "mysql://x"),
        ("WIL_REDIS_URL", "http://localhost"),
        ("WIL_LLM_BASE_URL", "localhost:11434"),
    ],
)
def test_bad_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, var: str, value: str
) -> None:
    monkeypatch.setenv(var, value)
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert var in str(err.value)


def test_csv_lists_and_llm_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIL_CORS_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("WIL_LLM_BASE_URL", "http://127.0.0.1:11434/v1/")
    monkeypatch.setenv("WIL_LLM_MODEL", "llama3.1")  # required since issue 12: no silent default
    s = load_settings()
    assert s.cors_origins == ["https://a.example", "https://b.example"]
    assert s.llm_enabled and s.llm_base_url == "http://127.0.0.1:11434/v1"


def test_secret_is_not_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-very-secret")
    s = load_settings()
    assert "sk-very-secret" not in repr(s)
    assert s.openai_api_key is not None
    assert s.openai_api_key.get_secret_value() == "sk-very-secret"


def test_prod_requires_https_public_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIL_ENV", "prod")
    with pytest.raises(ConfigError, match="WIL_PUBLIC_URL"):
        load_settings()
    monkeypatch.setenv("WIL_PUBLIC_URL", "https://wil.example.org")
    assert load_settings().public_url == "https://wil.example.org"


def test_every_setting_is_documented() -> None:
    """Every variable is in .env.example and the README, so operators can find it."""
    from assistant.config import Settings
    from tests.conftest import REPO_ROOT

    example = (REPO_ROOT / ".env.example").read_text(encoding="utf-8")
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    for name, field in Settings.model_fields.items():
        var = str(field.validation_alias or f"WIL_{name.upper()}")
        assert f"{var}=" in example, f"{var} missing from .env.example"
        assert var in readme, f"{var} missing from the README"
