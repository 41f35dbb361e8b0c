"""Follow-up questions over HTTP: "and for international students?" is read with the question before it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.store.models import Conversation
from tests.fake_openai import FakeOpenAI, Reply
from tests.test_engine_api import say, start

if TYPE_CHECKING:
    from tests.engine_fixtures import AppFactory

SWPP = "How much does the SWPP wage subsidy pay?"


def titles(body: dict[str, object]) -> str:
    """Return the reply's citation titles as one string."""
    reply = body["reply"]
    assert isinstance(reply, dict)
    return " | ".join(c["title"] for c in reply["citations"])


def test_english_follow_ups_keep_the_subject_or_swap_the_program(make_client: AppFactory) -> None:
    with make_client() as (client, _):
        cid, token = start(client)
        first = say(client, cid, token, SWPP)
        mitacs = say(client, cid, token, "what about Mitacs?")
        international = say(client, cid, token, "and for international students?")
    assert "$5,000" in first["reply"]["text"]
    assert "$7,500" in mitacs["reply"]["text"] and "Mitacs" in titles(mitacs)
    # The follow-up leans on the last answered topic (Mitacs, which takes international students),
    # not on the question before it.
    assert "international students are eligible" in international["reply"]["text"]
    assert "Mitacs" in titles(international)


def test_french_follow_up_with_a_pronoun_answers_about_the_last_subject(
    make_client: AppFactory,
) -> None:
    with make_client() as (client, _):
        cid, token = start(client, locale="fr")
        say(client, cid, token, "Qu'est-ce qu'un micro-stage pour une petite entreprise?")
        length = say(client, cid, token, "Ça dure combien de temps?")
    assert length["reply"]["locale"] == "fr"
    assert "2 à 10 jours" in length["reply"]["text"]
    assert "Projets courts" in titles(length)


def test_a_self_contained_question_after_another_is_answered_on_its_own(
    make_client: AppFactory,
) -> None:
    with make_client() as (client, _):
        cid, token = start(client)
        say(client, cid, token, SWPP)
        other = say(client, cid, token, "What are micro-placements and other short WIL formats?")
    assert "Short projects" in titles(other)
    assert "SWPP" not in titles(other)


def test_without_an_earlier_answer_a_vague_question_is_not_padded(
    make_client: AppFactory,
) -> None:
    with make_client() as (client, _):
        cid, token = start(client)
        vague = say(client, cid, token, "and for international students?")
    # Nothing to build on: answered (or declined) from its own words, never from SWPP rates.
    assert "$5,000 per placement" not in vague["reply"]["text"]


def test_the_model_sees_earlier_turns_masked_but_facts_only_from_passages(
    make_client: AppFactory, fake_llm: FakeOpenAI
) -> None:
    with make_client(llm=fake_llm) as (client, _):
        cid, token = start(client)
        fake_llm.push(Reply(text="SWPP covers 50% up to $5,000 [1]."))
        say(client, cid, token, f"I'm at jo@prairie.ca. {SWPP}")
        # With a model, a follow-up is first rewritten into a standalone question, then answered.
        fake_llm.push(Reply(structured={"question": "How does Mitacs Accelerate funding work?"}))
        # Cite the passage that says it: an answer its passage does not support is not shown.
        fake_llm.push(
            Reply(
                text=lambda p: (
                    "Mitacs Accelerate: the partner contributes $7,500 for each unit "
                    f"[{next(n for n, t in p.items() if 'What is Mitacs Accelerate' in t)}]."
                )
            )
        )
        body = say(client, cid, token, "what about Mitacs?")
        rewrite = fake_llm.requests[-2]["messages"]
        sent = fake_llm.requests[-1]["messages"]
    assert body["reply"]["text"].startswith("Mitacs Accelerate")
    roles = [m["role"] for m in sent]
    assert roles[0] == "system" and roles[-1] == "user" and "assistant" in roles
    assert sent[-1]["content"] == "what about Mitacs?"
    earlier = " ".join(m["content"] for m in sent[1:-1])
    assert "SWPP" in earlier and "jo@prairie.ca" not in earlier
    assert "[1]" not in earlier  # old markers would point at passages the model no longer has
    assert "Mitacs" in sent[0]["content"]  # the passages were retrieved for the follow-up
    assert "jo@prairie.ca" not in rewrite[-1]["content"] and "Mitacs" in rewrite[-1]["content"]


def test_who_asks_is_remembered_and_a_follow_up_keeps_it(make_client: AppFactory) -> None:
    with make_client() as (client, runtime):
        cid, token = start(client)
        say(client, cid, token, f"We're a small business and want to hire a student. {SWPP}")
        follow = say(client, cid, token, "and for international students?")
        with runtime.db.session() as s:
            conv = s.get(Conversation, cid)
            assert conv is not None
            state = dict(conv.state or {})
    assert state["audience"] == "employer"
    assert follow["reply"]["citations"] and "SWPP" in titles(follow)
