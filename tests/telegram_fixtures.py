"""Fixtures for tests that talk to the local Bot API server (a pytest plugin, see conftest)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.config import Settings, load_settings
from tests.conftest import seed_data
from tests.fake_telegram import FakeTelegram


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    """A local server speaking the Telegram Bot API, on a free port."""
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture
def tg_settings(tmp_path: Path, tg: FakeTelegram, seed_data_dir: Path) -> Settings:
    """Settings with the bot enabled against `tg` (test modules may override it)."""
    return load_settings(
        data_dir=seed_data(tmp_path / "data", seed_data_dir),
        env="test",
        telegram_token=tg.token,
        telegram_base_url=tg.base_url,
    )
