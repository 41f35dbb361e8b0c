"""Shared fixtures: settings in a temp data dir, a migrated runtime, an HTTP client, liaisons."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.config import Settings, load_settings
from assistant.liaisons import NewLiaison, create_liaison
from assistant.runtime import Runtime, build_runtime
from channels.web.app import create_app

# Session fixtures shared by several test modules (a small real knowledge index, a fake LLM).
pytest_plugins = ["tests.engine_fixtures", "tests.telegram_fixtures"]

REPO_ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get(
    "WIL_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("WIL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    """Skip (locally) or fail (in CI) when a service the test needs is unreachable."""
    if _reachable(host, port):
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{name} at {host}:{port} is required in CI but unreachable")
    pytest.skip(f"{name} not reachable at {host}:{port} (runs in CI)")


def embedding_cache_path() -> Path:
    """Return the embedding cache shared by every test index (and kept between runs).

    The cache maps (embedder, sha256(text)) to a vector, so it cannot change a result; it only
    spares re-embedding the same knowledge sections in every session. WIL_TEST_EMBEDDING_CACHE
    overrides the location.
    """
    default = Path.home() / ".cache" / "wil-assistant" / "test-embeddings.sqlite"
    path = Path(os.environ.get("WIL_TEST_EMBEDDING_CACHE", default))
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the files holding slow tests first (each keeping its order).

    Under pytest-xdist a file runs on one worker: a long file handed out last would leave the
    other workers idle while it finishes.
    """
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_files)


@pytest.fixture(autouse=True)
def _isolated_logging() -> Iterator[None]:
    """Undo what a test did to logging: CLI commands run in process set library loggers to
    WARNING (`chat` keeps its transcript clean), which silently hid them from later tests."""
    root = logging.getLogger()
    levels = {
        name: logger.level
        for name, logger in logging.root.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    root_level, before = root.level, set(root.handlers)
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    root.setLevel(root_level)
    # Console handlers a command added (pytest's own capture handlers come and go by phase).
    for handler in list(root.handlers):
        if type(handler) is logging.StreamHandler and handler not in before:
            root.removeHandler(handler)


@pytest.fixture(scope="session")
def seed_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a data dir made once per session: a migrated SQLite database and the trained models.

    Migrating a new SQLite file and writing the models' cache files took most of a runtime's
    set-up; `seed_data()` copies the results into each test's own data dir instead. The runtime
    still migrates (now a no-op at head) and still loads its models through the cache, so it is
    built exactly as in production.
    """
    from assistant.store.db import Database
    from assistant.understanding.models import trained

    seed = tmp_path_factory.mktemp("seed-data")
    db = Database(load_settings(data_dir=seed, env="test").sqlalchemy_url)
    db.migrate()
    db.dispose()
    for decision in ("intents", "handoff"):
        trained(decision, cache_dir=seed / "models")
    return seed


def seed_data(data_dir: Path, seed: Path) -> Path:
    """Fill an unused data dir from `seed_data_dir`: the database copied, the model files linked."""
    data_dir.mkdir(parents=True, exist_ok=True)
    for source in seed.iterdir():
        if source.is_file():  # the SQLite file (with any WAL sidecar): each test writes its own
            shutil.copyfile(source, data_dir / source.name)
    models = data_dir / "models"
    models.mkdir(exist_ok=True)
    for source in (seed / "models").iterdir():
        try:  # read-only to the app (a new model is written beside, then renamed over)
            os.link(source, models / source.name)
        except OSError:
            shutil.copyfile(source, models / source.name)
    return data_dir


@pytest.fixture
def settings(tmp_path: Path, seed_data_dir: Path) -> Settings:
    """Return settings with a private data dir and no external services."""
    return load_settings(data_dir=seed_data(tmp_path / "data", seed_data_dir), env="test")


@pytest.fixture
def runtime(settings: Settings) -> Iterator[Runtime]:
    """Return a migrated runtime without a knowledge index (fast)."""
    rt = build_runtime(settings, retriever=None)
    yield rt
    rt.db.dispose()


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    """Return an HTTP client on the app built around `runtime`."""
    app = create_app(runtime=runtime)
    with TestClient(app) as c:
        yield c


@pytest.fixture
def liaison(runtime: Runtime) -> NewLiaison:
    """Return a liaison account (with its API token and password)."""
    return create_liaison(runtime.db, "liaison@example.org", "Lee Liaison")


@pytest.fixture
def admin(runtime: Runtime) -> NewLiaison:
    """Return an admin account."""
    return create_liaison(runtime.db, "admin@example.org", "Ada Admin", role="admin")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """Yield a PostgreSQL URL on a fresh, private schema (dropped afterwards)."""
    require_service("PostgreSQL", "127.0.0.1", 5432)
    from sqlalchemy import create_engine, text

    schema = "t_" + uuid.uuid4().hex[:10]
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def auth(token: str) -> dict[str, str]:
    """Return the Authorization header for a bearer token."""
    return {"Authorization": f"Bearer {token}"}
