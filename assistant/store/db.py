"""Database access: engine, sessions, migrations on start, health."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session, sessionmaker

from assistant.errors import StoreUnavailableError

logger = logging.getLogger(__name__)

# Errors that mean "the database cannot be reached right now" (not a bug): answered with a 503.
UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeoutError)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


class Database:
    """Owns the engine and session factory for one database URL."""

    def __init__(self, url: str) -> None:
        self.url = url
        connect_args: dict[str, object] = {}
        pool: dict[str, object] = {}
        if url.startswith("sqlite"):
            _ensure_sqlite_dir(url)
            # Several threads (the web server's threadpool) share the file.
            connect_args = {"check_same_thread": False, "timeout": 30}
        elif url.startswith("postgresql"):
            # A turn may hold a connection for its conversation lock besides its sessions, and
            # an unreachable server must fail a request quickly instead of hanging it.
            connect_args = {"connect_timeout": 5}
            pool = {"pool_size": 20, "max_overflow": 20, "pool_timeout": 10}
        self.engine: Engine = create_engine(
            url, connect_args=connect_args, pool_pre_ping=True, future=True, **pool
        )
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """Yield a session that commits on success and rolls back on error."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except UNAVAILABLE as exc:
            with suppress(Exception):
                session.rollback()
            raise StoreUnavailableError("database unreachable") from exc
        except Exception:
            session.rollback()
            raise
        finally:
            with suppress(Exception):
                session.close()

    def migrate(self) -> str:
        """Bring the schema to the newest migration and return its revision."""
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        revision = self.schema_version()
        logger.info("database schema at revision %s", revision)
        return revision or ""

    def schema_version(self) -> str | None:
        """Return the applied migration revision (raises StoreUnavailableError if unreachable)."""
        try:
            with self.engine.connect() as conn:
                return MigrationContext.configure(conn).get_current_revision()
        except SQLAlchemyError as exc:
            raise StoreUnavailableError("database unreachable") from exc

    def ping(self) -> bool:
        """Return True when the database answers a trivial query."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            logger.warning("database ping failed", exc_info=False)
            return False

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()


def _ensure_sqlite_dir(url: str) -> None:
    path = url.split("///", 1)[-1] if "///" in url else ""
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_conn: object, _record: object) -> None:
    cur = dbapi_conn.cursor()  # type: ignore[attr-defined]
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()
