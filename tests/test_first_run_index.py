"""First run and upgrades: the index follows the knowledge, and indexing shows progress when piped."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.config import load_settings
from channels.cli import common
from tests.conftest import REPO_ROOT, embedding_cache_path


@pytest.mark.slow
def test_index_is_refreshed_when_the_knowledge_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    knowledge = tmp_path / "knowledge"
    for page in ("en/playbook/funding.md", "fr/playbook/funding.md"):
        (knowledge / page).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO_ROOT / "knowledge" / page, knowledge / page)
    settings = load_settings(data_dir=tmp_path / "data", knowledge_dir=knowledge, env="test")
    monkeypatch.setattr(common, "PROGRESS_EVERY_S", 0.0)  # every batch prints a line
    from assistant.runtime import build_retriever

    retriever = build_retriever(settings)
    retriever.index.use_embedding_cache(embedding_cache_path())

    assert common.ensure_index(settings, retriever)  # first run
    out = capsys.readouterr().out
    assert out.startswith("No knowledge index yet")
    assert "sections embedded" in out  # stdout is no terminal here: lines, not a bar

    assert not common.ensure_index(settings, retriever)  # nothing changed: nothing said
    assert capsys.readouterr().out == ""

    page = knowledge / "en" / "playbook" / "funding.md"
    page.write_text(
        page.read_text(encoding="utf-8") + "\n## Payroll timing\n\nSubsidies are paid after "
        "the placement ends, on proof of wages paid.\n",
        encoding="utf-8",
    )
    assert common.ensure_index(settings, retriever)  # an upgrade or an edit
    out = capsys.readouterr().out
    assert common.REFRESH in out and "Indexed 1 file, 1 new chunks" in out
    hits = retriever.index.count()
    assert hits > 0
