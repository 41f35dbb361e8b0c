"""Personal data is not kept past the retention period."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from assistant.conversations import add_message, create_conversation, list_messages
from assistant.retention import purge_expired
from assistant.runtime import Runtime
from assistant.store.models import Conversation, Handoff, Intake, utcnow


def test_old_conversations_and_intakes_are_purged(runtime: Runtime) -> None:
    db = runtime.db
    old, _ = create_conversation(db, channel="web")
    recent, _ = create_conversation(db, channel="web")
    held, _ = create_conversation(db, channel="web")
    abandoned, _ = create_conversation(db, channel="web")
    long_ago = utcnow() - timedelta(days=400)
    with db.session() as s:
        add_message(s, old.id, "user", "my email is pat@example.org")
        add_message(s, recent.id, "user", "hello")
        s.add(Intake(id="old", kind="student", status="submitted", fields={"email": "pat@example.org"},
                     conversation_id=old.id, created_at=long_ago, updated_at=long_ago))  # fmt: skip
        s.add(
            Intake(
                id="new", kind="student", status="submitted", fields={}, conversation_id=recent.id
            )
        )
    with db.session() as s:
        # A liaison works on this ticket; nobody touched the other one for over a year.
        s.add(Handoff(conversation_id=held.id, status="active", reason="requested"))
        s.add(Handoff(conversation_id=abandoned.id, status="waiting", reason="requested",
                      created_at=long_ago, updated_at=long_ago))  # fmt: skip
    with db.session() as s:
        for conv_id, mode in ((old.id, "qa"), (held.id, "handoff"), (abandoned.id, "handoff")):
            conv = s.get(Conversation, conv_id)
            assert conv is not None
            conv.mode = mode
            s.flush()
            # Bypass onupdate so the row really looks old.
            s.execute(
                Conversation.__table__.update()
                .where(Conversation.id == conv_id)
                .values(updated_at=long_ago)
            )

    report = purge_expired(db, retention_days=365)

    assert report.conversations == 2 and report.intakes == 1
    assert report.abandoned_handoffs == 1
    assert list_messages(db, old.id) == []
    assert [m.text for m in list_messages(db, recent.id)] == ["hello"]
    with db.session() as s:
        assert set(s.scalars(select(Intake.id))) == {"new"}
        assert s.get(Conversation, held.id) is not None  # a liaison still works on it
        assert s.get(Conversation, abandoned.id) is None
        assert list(s.scalars(select(Handoff.conversation_id))) == [held.id]
    assert purge_expired(db, retention_days=365).conversations == 0


def test_a_conversation_in_use_is_not_purged(runtime: Runtime, client: TestClient) -> None:
    """A turn that changes no state ("hello") still counts as use of the conversation."""
    conv = client.post("/api/conversations", json={"locale": "en"}).json()
    with runtime.db.session() as s:
        s.execute(
            Conversation.__table__.update()
            .where(Conversation.id == conv["id"])
            .values(updated_at=utcnow() - timedelta(days=400))
        )
    r = client.post(
        f"/api/conversations/{conv['id']}/messages",
        json={"text": "hello"},
        headers={"Authorization": f"Bearer {conv['token']}"},
    )
    assert r.status_code == 200, r.text
    assert purge_expired(runtime.db, retention_days=365).conversations == 0
    assert "hello" in [m.text for m in list_messages(runtime.db, conv["id"])]
