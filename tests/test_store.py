"""The store: the same migrations on SQLite and PostgreSQL; secrets only as hashes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import inspect, select

from assistant.conversations import add_message, create_conversation, list_messages
from assistant.liaisons import create_liaison
from assistant.store.db import Database
from assistant.store.models import Conversation, Liaison

TABLES = {
    "conversations",
    "messages",
    "intakes",
    "handoffs",
    "handoff_notes",
    "liaisons",
    "knowledge_gaps",
    "console_sessions",
    "alembic_version",
}


@pytest.fixture
def pg_db(pg_url: str) -> Iterator[Database]:
    """Yield a Database on a fresh PostgreSQL schema."""
    db = Database(pg_url)
    try:
        yield db
    finally:
        db.dispose()


def _exercise(db: Database) -> None:
    revision = db.migrate()
    assert revision == db.schema_version() and revision
    assert db.migrate() == revision  # idempotent on restart
    assert set(inspect(db.engine).get_table_names()) >= TABLES
    conv, token = create_conversation(db, channel="web", locale="fr")
    with db.session() as s:
        add_message(s, conv.id, "user", "Bonjour", citations=[{"title": "x"}])
        add_message(s, conv.id, "assistant", "Allô!")
        # Telegram and the CLI skip the web API's checks: NUL and lone surrogates must still store.
        add_message(s, conv.id, "user", "nul\x00 here \ud800!")
    msgs = list_messages(db, conv.id)
    assert msgs[-1].text == "nul here \ufffd!"
    msgs = msgs[:2]
    assert [m.role for m in msgs] == ["user", "assistant"]
    assert [m.id for m in list_messages(db, conv.id, after=msgs[0].id)][:1] == [msgs[1].id]
    assert msgs[0].citations == [{"title": "x"}]
    new = create_liaison(db, "Pat@Example.org", "Pat")
    with db.session() as s:
        stored_conv = s.get(Conversation, conv.id)
        liaison = s.scalars(select(Liaison)).one()
    assert stored_conv is not None and token not in stored_conv.token_hash
    assert liaison.email == "pat@example.org"
    assert new.token not in liaison.token_hash and new.password not in liaison.password_hash
    # Deleting a conversation deletes its messages (the person's right to deletion).
    with db.session() as s:
        s.delete(s.get(Conversation, conv.id))
    assert list_messages(db, conv.id) == []


def test_migrations_on_sqlite(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = Database(f"sqlite:///{tmp_path}/x/wil.sqlite3")
    try:
        _exercise(db)
    finally:
        db.dispose()


@pytest.mark.services
def test_migrations_on_postgresql(pg_db: Database) -> None:
    _exercise(pg_db)


def test_unreachable_database_reports_unhealthy(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = Database("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    assert db.ping() is False
