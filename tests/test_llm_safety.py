"""Issue 12: with an LLM, nothing the passages do not support reaches the person, streamed or not.

Against the local OpenAI-compatible fake: a server that invents a $25,000 grant while citing a real
passage, one that echoes its instructions, an honest one; then the opt-in rule, the start-up check
and `/healthz`, the breaker, both time limits and each structured-output method.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from assistant.config import load_settings
from assistant.errors import ConfigError
from assistant.llm import CircuitBreaker, make_chat_model
from tests.conftest import auth
from tests.fake_openai import FakeOpenAI, Reply
from tests.test_engine_api import parse_sse, say, start

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

    from tests.engine_fixtures import AppFactory

EN_QUESTION = "How much does the SWPP wage subsidy pay?"
FR_QUESTION = "Combien de jours dure un micro-stage?"
FABRICATED = {
    "en": "Every employer in Calgary is guaranteed a $25,000 hiring grant for each student, "
    "paid within 3 days [1].",
    "fr": "Chaque employeur de Calgary reçoit une subvention garantie de 25 000 $ par étudiant, "
    "versée en 3 jours [1].",
}
INVENTED = {"en": ("25,000", "3 days", "guaranteed"), "fr": ("25 000", "3 jours", "garantie")}
QUESTIONS = {"en": EN_QUESTION, "fr": FR_QUESTION}


def ask(
    client: TestClient, locale: str, text: str, *, stream: bool
) -> tuple[dict[str, Any], list[str]]:
    """Ask in a new conversation; return the final reply and the streamed fragments."""
    cid, token = start(client, locale=locale)
    if not stream:
        return say(client, cid, token, text)["reply"], []
    r = client.post(
        f"/api/conversations/{cid}/messages",
        json={"text": text},
        headers={**auth(token), "Accept": "text/event-stream"},
    )
    events = parse_sse(r.text)
    deltas = [data["text"] for name, data in events if name == "delta"]
    return events[-1][1]["reply"], deltas


def shown(reply: dict[str, Any], deltas: list[str]) -> str:
    """Everything the person could have seen: each fragment, their concatenation, the final text."""
    return "\n".join([*deltas, "".join(deltas), reply["text"]])


@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
@pytest.mark.parametrize("locale", ["en", "fr"])
def test_an_invented_grant_citing_a_real_passage_is_never_served(
    make_client: AppFactory, fake_llm: FakeOpenAI, locale: str, stream: bool
) -> None:
    with make_client(llm=fake_llm) as (client, _):
        fake_llm.push(
            Reply(text="Good news! " + FABRICATED[locale] + " Apply today.", chunk_words=1)
        )
        reply, deltas = ask(client, locale, QUESTIONS[locale], stream=stream)
    assert len(fake_llm.requests) == 1
    seen = shown(reply, deltas)
    for invented in INVENTED[locale]:
        assert invented not in seen
    assert "Good news" not in seen and "Apply today" not in seen
    # The person still gets the guides' answer, cited.
    assert reply["citations"]
    assert ("$5,000" if locale == "en" else "2 à 10 jours") in reply["text"]


@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
def test_only_the_supported_sentence_of_a_mixed_answer_is_shown(
    make_client: AppFactory, fake_llm: FakeOpenAI, stream: bool
) -> None:
    honest = "SWPP normally covers 50% of a student's wages, up to $5,000 per placement"
    with make_client(llm=fake_llm) as (client, _):
        fake_llm.push(
            Reply(
                text=lambda p: (
                    f"{honest} [{_rates(p)}]. " + FABRICATED["en"].replace("[1]", f"[{_rates(p)}]")
                ),
                chunk_words=1,
            )
        )
        reply, deltas = ask(client, "en", EN_QUESTION, stream=stream)
    assert reply["text"] == honest + " [1]."
    assert "25,000" not in shown(reply, deltas)
    if stream:
        assert "".join(deltas).strip() == reply["text"]


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_an_echoed_instruction_line_never_reaches_the_widget(
    make_client: AppFactory, fake_llm: FakeOpenAI, locale: str
) -> None:
    echo = {
        "en": "Answer the question using ONLY the numbered passages below.",
        "fr": "Répondez à la question en utilisant UNIQUEMENT les passages numérotés ci-dessous.",
    }[locale]
    with make_client(llm=fake_llm) as (client, _):
        fake_llm.push(Reply(text=lambda p: f"{echo} {_first_sentences(p[1])} [1]", chunk_words=1))
        reply, deltas = ask(client, locale, QUESTIONS[locale], stream=True)
    seen = shown(reply, deltas)
    assert "ONLY" not in seen and "UNIQUEMENT" not in seen
    assert reply["text"] and reply["citations"]


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_an_honest_server_gets_its_answer_through(
    make_client: AppFactory, fake_llm: FakeOpenAI, locale: str
) -> None:
    """The default fake answers with passage [1]'s own sentences: the check must not reject them."""
    with make_client(llm=fake_llm) as (client, _runtime):
        reply, deltas = ask(client, locale, QUESTIONS[locale], stream=True)
        passages = _passages_of_last_prompt(fake_llm)
    assert reply["text"].endswith("[1]") or reply["text"].endswith("[1].")
    assert _first_sentences(passages[1])[:40] in reply["text"]
    assert "".join(deltas).strip() == reply["text"]


def _rates(passages: dict[int, str]) -> int:
    return next(n for n, p in passages.items() if "How much does the SWPP" in p)


def _first_sentences(passage: str) -> str:
    body = passage.split("\n", 1)[1].strip()
    return body.split(". ")[0].rstrip(".") + "."


def _passages_of_last_prompt(fake: FakeOpenAI) -> dict[int, str]:
    from tests.fake_openai import prompt_passages

    return prompt_passages(fake.requests[-1])


# -- opt-in and configuration --------------------------------------------------------------


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    for var in ("WIL_LLM_BASE_URL", "WIL_LLM_PROVIDER", "WIL_LLM_MODEL", "OPENAI_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    yield monkeypatch


def test_an_api_key_alone_does_not_switch_the_llm_on(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("OPENAI_API_KEY", "sk-from-my-shell")
    settings = load_settings()
    assert not settings.llm_enabled
    assert make_chat_model(settings) is None


def test_the_openai_provider_is_an_explicit_choice_with_a_model(
    clean_env: pytest.MonkeyPatch,
) -> None:
    clean_env.setenv("WIL_LLM_PROVIDER", "openai")
    with pytest.raises(ConfigError, match="WIL_LLM_MODEL"):
        load_settings(OPENAI_API_KEY="sk-x")
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        load_settings(llm_model="gpt-4o-mini")
    settings = load_settings(llm_model="gpt-4o-mini", OPENAI_API_KEY="sk-x")
    assert settings.llm_enabled and make_chat_model(settings) is not None


def test_a_base_url_needs_a_model_and_gets_its_v1(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("WIL_LLM_BASE_URL", "http://127.0.0.1:11434")
    with pytest.raises(ConfigError, match="WIL_LLM_MODEL"):
        load_settings()
    clean_env.setenv("WIL_LLM_MODEL", "llama3.1")
    assert load_settings().llm_base_url == "http://127.0.0.1:11434/v1"
    clean_env.setenv("WIL_LLM_BASE_URL", "http://127.0.0.1:11434/v1/chat/completions")
    with pytest.raises(ConfigError, match=r"WIL_LLM_BASE_URL.*without the endpoint"):
        load_settings()


# -- start-up check, /healthz, breaker, time limits ----------------------------------------


@pytest.fixture
def quirky_llm() -> Iterator[FakeOpenAI]:
    """A fake of its own, so quirks never leak into the shared one."""
    server = FakeOpenAI().start()
    yield server
    server.stop()


def test_healthz_says_off_without_an_llm(make_client: AppFactory) -> None:
    with make_client() as (client, _):
        assert client.get("/healthz").json()["llm"] == "off"


def test_healthz_says_ok_when_the_server_answers(
    make_client: AppFactory, fake_llm: FakeOpenAI
) -> None:
    with make_client(llm=fake_llm) as (client, _):
        assert client.get("/healthz").json()["llm"] == "ok"


def test_an_unknown_model_is_reported_at_start_and_turns_stay_extractive(
    make_client: AppFactory, quirky_llm: FakeOpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    quirky_llm.models = ("llama3.1",)
    with make_client(llm=quirky_llm) as (client, _):
        assert "WIL_LLM_MODEL" in caplog.text and "fake-model" in caplog.text
        assert client.get("/healthz").json()["llm"] == "down"
        started = time.monotonic()
        reply, _ = ask(client, "en", EN_QUESTION, stream=False)
        assert time.monotonic() - started < 3
    assert quirky_llm.requests == []  # the open breaker keeps turns off the broken server
    assert "$5,000" in reply["text"] and reply["citations"]


def test_a_base_url_without_the_api_path_is_named_at_start(
    make_client: AppFactory, quirky_llm: FakeOpenAI, tmp_path: Any
) -> None:
    from assistant.llm import check_chat_model

    bare = quirky_llm.base_url.removesuffix("/v1") + "/api"
    settings = load_settings(data_dir=tmp_path, llm_base_url=bare, llm_model="fake-model")
    chat = make_chat_model(settings)
    import asyncio

    assert asyncio.run(check_chat_model(chat)) == "down"
    assert chat is not None
    problem = getattr(chat, "last_check", "") or ""
    assert "WIL_LLM_BASE_URL" in problem and "404" in problem and "/v1" in problem


@pytest.mark.parametrize("path", ["/v1", "/openai/v1"], ids=["openai", "azure"])
def test_a_refused_key_is_named_at_start_and_never_logged(
    make_client: AppFactory, quirky_llm: FakeOpenAI, caplog: pytest.LogCaptureFixture, path: str
) -> None:
    """OpenAI and Azure need a key: a wrong one is reported by name, the right one works."""
    quirky_llm.api_key = "sk-right-key"
    base = quirky_llm.base_url.removesuffix("/v1") + path
    with make_client(llm=quirky_llm, llm_base_url=base, OPENAI_API_KEY="sk-wrong-key") as (
        client,
        _,
    ):
        assert client.get("/healthz").json()["llm"] == "down"
    assert "OPENAI_API_KEY" in caplog.text and "401" in caplog.text
    assert "sk-wrong-key" not in caplog.text and "sk-right-key" not in caplog.text
    with make_client(llm=quirky_llm, llm_base_url=base, OPENAI_API_KEY="sk-right-key") as (
        client,
        _,
    ):
        assert client.get("/healthz").json()["llm"] == "ok"
        reply, _ = ask(client, "en", EN_QUESTION, stream=False)
    assert len(quirky_llm.requests) == 1 and reply["citations"]


def test_healthz_recovers_once_the_server_answers_again(
    make_client: AppFactory, quirky_llm: FakeOpenAI
) -> None:
    quirky_llm.models = ("other",)
    with make_client(llm=quirky_llm, llm_breaker_cooldown_s=0.2) as (client, _):
        assert client.get("/healthz").json()["llm"] == "down"
        quirky_llm.models = None
        time.sleep(0.3)
        assert client.get("/healthz").json()["llm"] == "ok"


def test_repeated_failures_open_the_breaker(
    make_client: AppFactory, quirky_llm: FakeOpenAI
) -> None:
    with make_client(llm=quirky_llm, llm_breaker_failures=2) as (client, _):
        quirky_llm.push(Reply(status=500), Reply(status=503))
        for _ in range(3):
            reply, _ = ask(client, "en", EN_QUESTION, stream=False)
            assert "$5,000" in reply["text"]
        assert len(quirky_llm.requests) == 2  # the third turn did not wait on the server
        assert client.get("/healthz").json()["llm"] == "down"


def test_breaker_half_opens_after_its_cool_down() -> None:
    now = [0.0]
    breaker = CircuitBreaker(failures=2, cooldown_s=10, clock=lambda: now[0])
    breaker.failure()
    assert breaker.allow()
    breaker.failure()
    assert not breaker.allow() and breaker.is_open
    now[0] = 11
    assert breaker.allow()  # one trial...
    assert not breaker.allow()  # ...at a time
    breaker.failure()
    assert not breaker.allow()
    now[0] = 22
    assert breaker.allow()
    breaker.success()
    assert breaker.allow() and not breaker.is_open


def test_a_server_slow_to_start_is_cut_by_the_first_token_limit(
    make_client: AppFactory, quirky_llm: FakeOpenAI
) -> None:
    with make_client(llm=quirky_llm, llm_first_token_timeout_s=0.5) as (client, _):
        quirky_llm.push(Reply(text="too late [1]", delay_s=4))
        started = time.monotonic()
        reply, deltas = ask(client, "en", EN_QUESTION, stream=True)
        elapsed = time.monotonic() - started
    assert elapsed < 3.5  # the total limit is 20 s; the first-token one (0.5 s) cut it
    assert "too late" not in shown(reply, deltas)
    assert "$5,000" in reply["text"]


def test_a_server_that_stalls_mid_answer_is_cut_by_the_total_limit(
    make_client: AppFactory, quirky_llm: FakeOpenAI
) -> None:
    honest = "SWPP normally covers 50% of a student's wages, up to $5,000 per placement"
    slow_tail = " For students from under-represented groups, the subsidy rises to 70% of wages."
    with make_client(llm=quirky_llm, timeout_s=1.5) as (client, _):
        quirky_llm.push(
            Reply(
                text=lambda p: f"{honest} [{_rates(p)}].{slow_tail} [{_rates(p)}]",
                chunk_words=8,  # the first sentence is complete with the 2nd chunk (at 0.6 s)
                chunk_delay_s=0.6,  # the last chunk would come at 1.8 s, after the 1.5 s limit
            )
        )
        started = time.monotonic()
        reply, deltas = ask(client, "en", EN_QUESTION, stream=True)
        elapsed = time.monotonic() - started
    assert elapsed < 4
    # The checked first sentence was already shown; it stays, and nothing unchecked follows.
    assert reply["text"] == honest + " [1]."
    assert "under-represented" not in shown(reply, deltas)


# -- structured output methods (intake extraction) -----------------------------------------

INTAKE = "We'd like to host a co-op student to crunch our sales numbers, write to jo@acme.ca"
ROLE = {"role_title": "Junior data analyst"}


def _role_after(client: TestClient) -> Any:
    cid, token = start(client)
    body = say(client, cid, token, INTAKE)
    return (body["intake"] or {}).get("fields", {}).get("role_title")


def test_a_server_without_json_schema_gets_function_calling(
    make_client: AppFactory, quirky_llm: FakeOpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    quirky_llm.json_schema = False
    with make_client(llm=quirky_llm) as (client, _):
        quirky_llm.push(Reply(structured=ROLE))
        assert _role_after(client) == "Junior data analyst"
    kinds = [("tools" in r, r.get("response_format", {}).get("type")) for r in quirky_llm.requests]
    assert kinds == [(False, "json_schema"), (True, None)]
    assert "function calling" in caplog.text


@pytest.mark.parametrize(
    ("method", "wire"), [("function_calling", "tools"), ("json_mode", "json_object")]
)
def test_each_structured_method_is_sent_as_configured(
    make_client: AppFactory, quirky_llm: FakeOpenAI, method: str, wire: str
) -> None:
    with make_client(llm=quirky_llm, llm_structured=method) as (client, _):
        quirky_llm.push(Reply(structured=ROLE))
        role = _role_after(client)
    request = quirky_llm.requests[-1]
    if wire == "tools":
        assert request["tools"] and role == "Junior data analyst"
    else:
        assert request["response_format"]["type"] == "json_object"


def test_structured_output_turned_off_sends_nothing_for_intake(
    make_client: AppFactory, quirky_llm: FakeOpenAI
) -> None:
    with make_client(llm=quirky_llm, llm_structured="none") as (client, _):
        cid, token = start(client)
        body = say(client, cid, token, INTAKE)
    assert body["mode"] == "intake"
    assert quirky_llm.requests == []
