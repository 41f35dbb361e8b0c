"""Issue 12 in a real browser: with an LLM that invents a grant or echoes its instructions, the
widget never shows that text, not even for a moment while the answer streams in.

Every text an assistant bubble holds is recorded on every DOM mutation, from the first streamed
fragment to the final answer, in English and French.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from assistant.config import load_settings
from assistant.runtime import build_runtime
from channels.web.app import create_app
from tests.browser import LiveServer, chromium, live_server
from tests.fake_openai import FakeOpenAI, Reply

pytestmark = pytest.mark.slow

QUESTION = {
    "en": "How much does the SWPP wage subsidy pay?",
    "fr": "Combien de jours dure un micro-stage?",
}
FABRICATED = {
    "en": "Good news! Every employer in Calgary is guaranteed a $25,000 hiring grant for each "
    "student, paid within 3 days [1]. Apply today.",
    "fr": "Bonne nouvelle! Chaque employeur de Calgary reçoit une subvention garantie de 25 000 $ "
    "par étudiant, versée en 3 jours [1]. Postulez aujourd'hui.",
}
ECHO = {
    "en": "Answer the question using ONLY the numbered passages below.",
    "fr": "Répondez à la question en utilisant UNIQUEMENT les passages numérotés ci-dessous.",
}
NEVER_SHOWN = {
    "fabricated": ("25,000", "25 000", "guaranteed", "garantie", "Good news", "Bonne nouvelle"),
    "echo": ("ONLY the numbered", "UNIQUEMENT les passages"),
}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


@pytest.fixture
def live(tmp_path: Path, knowledge_retriever: Any, fake_llm: FakeOpenAI) -> Iterator[LiveServer]:
    settings = load_settings(
        data_dir=tmp_path / "data",
        env="test",
        llm_base_url=fake_llm.base_url,
        llm_model="fake-model",
    )
    runtime = build_runtime(settings, retriever=knowledge_retriever)
    try:
        with live_server(create_app(runtime=runtime)) as server:
            fake_llm.clear()  # forget the start-up check
            yield server
    finally:
        runtime.db.dispose()


@pytest.fixture
def page(browser: Browser, live: LiveServer) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


def _first_sentence(passage: str) -> str:
    body = passage.split("\n", 1)[1].strip()
    return body.split(". ")[0].rstrip(".") + "."


@pytest.mark.parametrize("locale", ["en", "fr"])
@pytest.mark.parametrize("kind", ["fabricated", "echo"])
def test_rejected_text_never_appears_in_the_widget(
    page: Page, live: LiveServer, fake_llm: FakeOpenAI, locale: str, kind: str
) -> None:
    if kind == "fabricated":
        fake_llm.push(Reply(text=FABRICATED[locale], chunk_words=1))
    else:
        # An honest answer with one echoed instruction line in the middle of it.
        fake_llm.push(
            Reply(text=lambda p: f"{ECHO[locale]} {_first_sentence(p[1])} [1]", chunk_words=1)
        )
    page.goto(live.url + ("/fr" if locale == "fr" else "/"))
    page.locator("wil-assistant .launcher").click()
    expect(page.locator("wil-assistant .msg.assistant").first).to_be_visible()
    page.evaluate(
        """() => {
          window.__seen = [];
          const root = document.querySelector('wil-assistant').shadowRoot;
          new MutationObserver(() => {
            window.__seen.push(root.querySelector('.log').textContent);
          }).observe(root, {subtree: true, childList: true, characterData: true});
        }"""
    )
    page.locator("wil-assistant textarea").fill(QUESTION[locale])
    page.locator("wil-assistant textarea").press("Enter")
    answer = page.locator("wil-assistant .msg.assistant[data-id]").nth(1)
    expect(answer.locator(".sources li").first).to_be_visible(timeout=20_000)
    seen: list[str] = page.evaluate("window.__seen")
    assert seen, "no DOM change was recorded"
    for text in seen:
        for phrase in NEVER_SHOWN[kind]:
            assert phrase not in text, f"{phrase!r} was shown: {text[-300:]!r}"
    final = answer.locator(".text").inner_text()
    assert final.strip() and re.search(r"\d", final)  # the guides' answer, with its figures
    assert len(fake_llm.requests) == 1
