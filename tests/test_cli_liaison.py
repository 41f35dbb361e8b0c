"""`wil-assistant liaison add`: the printed token works against the API; bad input is a CLI message."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from assistant.config import load_settings
from channels.cli import app as cli_app
from channels.web.app import create_app
from tests.conftest import auth


def _cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from channels.cli import main; main()",
            *args,
            "--data-dir",
            str(data_dir),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _in_process(*args: str, data_dir: Path) -> Any:
    """Run the same command in this process: a subprocess pays the whole import (scikit-learn,
    Chroma) again, about 5 s of CPU each; each test still goes once through the entry point."""
    result = CliRunner().invoke(cli_app, [*args, "--data-dir", str(data_dir)])
    # An exception the command let through would be a traceback in the installed command.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    result.returncode = result.exit_code
    return result


def test_liaison_add_prints_working_token(tmp_path: Path) -> None:
    data = tmp_path / "data"
    done = _cli(
        "liaison", "add", "sam@example.org", "--name", "Sam Lee", "--role", "admin", data_dir=data
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    token = lines[-1].strip()
    assert token.startswith("l_") and "password" in done.stdout.lower()
    app = create_app(load_settings(data_dir=data))
    with TestClient(app) as c:
        # Any liaison-authenticated endpoint: 401 without the token, not 401 with it.
        assert c.get("/api/intakes").status_code == 401
        assert c.get("/api/intakes", headers=auth("l_wrong")).status_code == 401
        assert c.get("/api/intakes", headers=auth(token)).status_code != 401

    again = _in_process("liaison", "add", "SAM@example.org", "--name", "Sam", data_dir=data)
    assert again.returncode != 0 and "already exists" in again.stderr
    bad = _in_process("liaison", "add", "not-an-email", "--name", "X", data_dir=data)
    assert bad.returncode != 0 and "invalid email" in bad.stderr
    assert "Traceback" not in bad.stderr + again.stderr


def test_liaison_admin_commands_through_the_installed_entry_point(tmp_path: Path) -> None:
    data = tmp_path / "data"
    added = _cli("liaison", "add", "kim@example.org", "--name", "Kim Roy", data_dir=data)
    assert added.returncode == 0, added.stderr
    old_token = added.stdout.strip().splitlines()[-1]

    listed = _in_process("liaison", "list", data_dir=data)
    assert listed.returncode == 0, listed.stderr
    assert "kim@example.org" in listed.stdout and "Kim Roy" in listed.stdout
    assert old_token not in listed.stdout + listed.stderr

    reset = _in_process("liaison", "reset", "kim@example.org", data_dir=data)
    assert reset.returncode == 0, reset.stderr
    new_token = reset.stdout.strip().splitlines()[-1]
    assert new_token.startswith("l_") and new_token != old_token

    app = create_app(load_settings(data_dir=data))
    with TestClient(app) as c:
        assert c.get("/api/handoffs", headers=auth(old_token)).status_code == 401
        assert c.get("/api/handoffs", headers=auth(new_token)).status_code == 200
        disabled = _in_process("liaison", "disable", "kim@example.org", data_dir=data)
        assert disabled.returncode == 0, disabled.stderr
        assert c.get("/api/handoffs", headers=auth(new_token)).status_code == 401

    unknown = _in_process("liaison", "disable", "nobody@example.org", data_dir=data)
    bad_role = _in_process("liaison", "role", "kim@example.org", "owner", data_dir=data)
    assert unknown.returncode == 1 and "no liaison account" in unknown.stderr
    assert bad_role.returncode == 2 and "role must be" in bad_role.stderr
    assert "Traceback" not in unknown.stderr + bad_role.stderr
