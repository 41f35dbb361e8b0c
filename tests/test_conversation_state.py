"""The conversation's typed state: its table of named states, its diagram, and a real conversation."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

import assistant.conversation as conversation
from assistant.conversation import STATES, ConversationState
from assistant.liaisons import NewLiaison
from assistant.runtime import Runtime
from assistant.store.models import Conversation
from tests.conftest import auth
from tests.handoff_support import Person, ask_for_human, say, start

DIAGRAM = Path(conversation.__file__).with_name("states.mmd")
ARROW = re.compile(r"^\s*(\w+)\s*-->\s*(\w+)", re.MULTILINE)


def test_the_diagram_and_the_table_name_the_same_states_and_moves() -> None:
    arrows = {(a, b) for a, b in ARROW.findall(DIAGRAM.read_text()) if a != "[*]"}
    table = {(row.name, nxt) for row in STATES for nxt in row.next}
    assert arrows == table
    assert len({row.name for row in STATES}) == len(STATES)


def test_loading_keeps_what_other_modules_store_and_drops_unknown_values() -> None:
    state = ConversationState.load(
        "weird", {"pending": "nonsense", "topic": "x", "decline_streak": 2}
    )
    assert state.mode == "qa" and state.pending is None and state.name == "answering"
    assert state.dump() == {"topic": "x", "decline_streak": 2}


def test_steps_and_signals_follow_the_named_state() -> None:
    form = {"kind": "employer", "status": "collecting", "asking": "contact_email"}
    asking = ConversationState.load("intake", {"intake": form})
    assert (asking.name, asking.step) == ("form_asking", "asked_field")
    signals = asking.signals("fr", previous=("a", "b"))
    assert signals.asked_field == "contact_email" and signals.form_kind == "employer"
    assert signals.previous_user_texts == ()  # inside a form a repeat is an answer, not frustration
    confirming = ConversationState.load("intake", {"intake": {**form, "status": "confirming"}})
    assert (confirming.name, confirming.step) == ("form_confirming", "confirming")
    paused = ConversationState.load("qa", {"intake": form})
    assert (paused.name, paused.step) == ("form_paused", "idle")
    assert ConversationState.load("qa", {"pending": "delete"}).step == "yes_no"
    assert ConversationState.load("handoff", {"intake": form}).name == "with_liaison"


def _name(runtime: Runtime, person: Person) -> str:
    with runtime.db.session() as s:
        conv = s.scalars(select(Conversation).where(Conversation.id == person.id)).one()
        return ConversationState.load(conv.mode, conv.state).name


def test_a_conversation_moves_through_the_named_states(
    client: TestClient, runtime: Runtime, liaison: NewLiaison
) -> None:
    person = start(client)
    assert _name(runtime, person) == "answering"
    say(client, person, "We'd like to host a co-op student")
    assert _name(runtime, person) == "form_asking"
    turn = ask_for_human(client, person)
    assert _name(runtime, person) == "with_liaison"
    client.post(f"/api/handoffs/{turn['handoff']['id']}/resolve", headers=auth(liaison.token))
    assert _name(runtime, person) == "form_paused"
    say(client, person, "Prairie Robotics")
    assert _name(runtime, person) == "form_asking"
