"""What blind dialogs set 4 found, through the HTTP API in new wording: where the work happens is an
answer, not a safety report, and a long "yes, send it" never turns into an offer to erase data."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from assistant.routing import deletion_intent
from assistant.understanding.protocols import Decision, TurnSignals
from tests.test_engine_api import say, start

if TYPE_CHECKING:
    from tests.engine_fixtures import AppFactory


@pytest.mark.parametrize(
    ("lang", "opener", "place"),
    [
        ("en", "We'd like to host a co-op student next summer",
         "mostly out at our distribution warehouse and riding along on the delivery routes"),
        ("fr", "On voudrait accueillir un stagiaire l'été prochain",
         "sur nos chantiers de rénovation, on fait pas de télétravail dans la construction"),
    ],
)  # fmt: skip
def test_where_the_work_happens_is_an_answer_not_a_report(
    make_client: AppFactory, lang: str, opener: str, place: str
) -> None:
    with make_client() as (client, _):
        cid, token = start(client, locale=lang)
        body = say(client, cid, token, opener)
        assert body["mode"] == "intake"
        body = say(client, cid, token, place)
    assert body["mode"] == "intake", body["reply"]["text"]
    assert not body.get("handoff")
    assert "911" not in body["reply"]["text"]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Yes, all of that looks right to me now. Please go ahead and pass it along, thanks a lot!"),
        ("fr", "Oui c'est tout bon maintenant, vous pouvez l'envoyer, merci beaucoup!"),
    ],
)  # fmt: skip
def test_a_long_yes_while_a_liaison_holds_the_conversation_offers_no_deletion(
    make_client: AppFactory, lang: str, text: str
) -> None:
    with make_client() as (client, _):
        cid, token = start(client, locale=lang)
        asked = "talk to a person" if lang == "en" else "parler à quelqu'un"
        body = say(client, cid, token, asked)
        assert body["mode"] == "handoff"
        body = say(client, cid, token, text)
    shown = (body.get("reply") or {}).get("text") or ""
    assert "delete" not in shown.lower() and "supprim" not in shown.lower()
    assert body["mode"] == "handoff"


class _ReadsDeletion:
    """A router that reads every message as a deletion request, this sure."""

    def __init__(self, confidence: float) -> None:
        self.confidence = confidence

    def route(self, text: str, signals: TurnSignals) -> Decision:
        return Decision("delete_data", self.confidence, "fake")


def test_erasure_is_offered_only_when_the_request_is_read_surely() -> None:
    """An unsure reading ("yes, send it" read at 0.6) offers nothing; a sure one is asked to confirm."""
    unsure = deletion_intent(_ReadsDeletion(0.6), "yes please go ahead and send it through", None)
    sure = deletion_intent(_ReadsDeletion(0.95), "please delete all my data", None)
    assert unsure is None
    assert sure is not None and sure.name == "delete_data"
