"""Whole phone-style intake conversations over HTTP, each with every repair pattern at once.

Each dialog (tests/fixtures/intake_repair_dialogs.yaml) asks a question mid-form, sends an answer
twice, corrects a value at the summary and confirms in its own words; it must end submitted with
every expected value stored, and never lose a value the assistant acknowledged.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from sqlalchemy import select

from assistant.store.models import Intake
from tests.test_engine_api import say, start

if TYPE_CHECKING:
    from tests.engine_fixtures import AppFactory

DIALOGS = yaml.safe_load(
    (Path(__file__).parent / "fixtures" / "intake_repair_dialogs.yaml").read_text(encoding="utf-8")
)["dialogs"]


def run_dialog(client: Any, dialog: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Play a dialog; return the final turn and the problems a person would notice."""
    cid, token = start(client, locale=dialog["lang"])
    problems: list[str] = []
    body = say(client, cid, token, dialog["opener"])
    digressed = repeated = False
    said = dialog["opener"]
    for _ in range(40):
        if body["mode"] != "intake":
            problems.append(f"left the form after {said!r}: {body['reply']['text'][:60]}")
            return body, problems
        intake = body["intake"]
        if intake["status"] == "confirming":
            break
        asking = intake["asking"]
        if asking == dialog["digress_at"] and not digressed:
            digressed = True
            said = dialog["digression"]
            turn = say(client, cid, token, said)
            if turn["intake"] is None or turn["intake"]["asking"] != asking:
                problems.append("the digression did not come back to the same question")
            body = turn
            continue
        answer = dialog["answers"].get(asking)
        if answer is None:
            problems.append(f"asked {asking}, which the dialog does not answer")
            return body, problems
        said = answer
        body = say(client, cid, token, answer)
        if asking == dialog["repeat"] and not repeated:
            repeated = True
            body = say(client, cid, token, answer)
            if body["mode"] != "intake":
                problems.append("a repeated answer left the form")
                return body, problems
    else:
        problems.append("never reached the summary")
        return body, problems
    acknowledged = dict(body["intake"]["fields"])
    body = say(client, cid, token, dialog["correction"])
    if body["intake"]["status"] != "confirming":
        problems.append(
            f"the correction did not show the summary again: {body['reply']['text'][:80]}"
        )
    body = say(client, cid, token, dialog["confirm"])
    if body["intake"] is None or body["intake"]["status"] != "submitted":
        problems.append(f"not submitted: {body['reply']['text'][:80]}")
        return body, problems
    runtime = client.app.state.runtime
    with runtime.db.session() as s:
        row = s.scalars(select(Intake).where(Intake.conversation_id == cid)).one()
        stored = dict(row.fields)
    for name, value in dialog["expect"].items():
        if stored.get(name) != value:
            problems.append(f"{name} = {stored.get(name)!r}, expected {value!r}")
    for name in acknowledged:
        if stored.get(name) is None:
            problems.append(f"lost {name}, which was acknowledged")
    return body, problems


@pytest.mark.parametrize("dialog", DIALOGS, ids=[d["id"] for d in DIALOGS])
def test_a_whole_conversation_with_every_repair_ends_submitted_and_right(
    make_client: AppFactory, dialog: dict[str, Any]
) -> None:
    # A whole form typed quickly is more than the per-minute budget a live person gets.
    with make_client(rate_messages_per_minute=0) as (client, _):
        _, problems = run_dialog(client, dialog)
    assert problems == []
