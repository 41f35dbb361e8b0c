"""The `ingest` command indexes a folder and reports broken files."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.testing import CliRunner

from channels.cli.ingest_cmd import register


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.command("noop")
    def noop() -> None:  # a second command keeps `ingest` a named subcommand
        """Do nothing."""

    return app


def test_ingest_command_prints_summary_and_fails_on_broken_files(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "guide.md").write_text(
        "# Guide\n\n## Pay {#pay}\n\nCo-op students are paid.\n", encoding="utf-8"
    )
    (kb / "bad.txt").write_bytes(b"\xff\xfe\xfa broken")
    runner = CliRunner()
    result = runner.invoke(
        _app(), ["ingest", str(kb), "--data-dir", str(tmp_path / "data"), "--no-progress"]
    )
    assert result.exit_code == 1, result.output
    assert "bad.txt" in result.output and "chunks" in result.output

    (kb / "bad.txt").unlink()
    again = runner.invoke(
        _app(), ["ingest", str(kb), "--data-dir", str(tmp_path / "data"), "--no-progress"]
    )
    assert again.exit_code == 0, again.output
    assert (tmp_path / "data" / "index_manifest.json").exists()

    (tmp_path / "data" / "index_manifest.json").unlink()  # forces a full re-index
    rebuilt = runner.invoke(
        _app(), ["ingest", str(kb), "--data-dir", str(tmp_path / "data"), "--no-progress"]
    )
    assert "embedded 0 new sections, reused 1 from the embedding cache" in rebuilt.output
    assert (tmp_path / "data" / "index_manifest.json").exists()
