"""Session fixtures for the engine tests: a small real knowledge index, a fake LLM server, app builders."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.config import Settings, load_settings
from assistant.runtime import Runtime, build_runtime
from channels.web.app import create_app
from tests.conftest import REPO_ROOT, embedding_cache_path, seed_data
from tests.fake_openai import FakeOpenAI

# Real pages, EN and FR: enough for funding, eligibility and short-project questions.
PAGES = [
    "en/playbook/funding.md",
    "en/playbook/short-projects.md",
    "fr/playbook/short-projects.md",
    "en/students/eligibility.md",
    "fr/students/eligibility.md",
]


def index_pages(tmp_path_factory: pytest.TempPathFactory, pages: list[str], name: str) -> Any:
    """Return a HybridRetriever over real knowledge pages (paths under knowledge/, e.g.
    `en/playbook/funding.md`), ingested into a fresh data dir."""
    from assistant.retrieval import KnowledgeIndex, build_retriever, ingest, make_embedder

    root = tmp_path_factory.mktemp(f"{name}-knowledge")
    for rel in pages:
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO_ROOT / "knowledge" / rel, target)
    data_dir = tmp_path_factory.mktemp(f"{name}-index")
    embedder = make_embedder("minilm")
    index = KnowledgeIndex(data_dir, embedder, embedding_cache=embedding_cache_path())
    summary = ingest(index, [root], progress=False)
    assert not summary.errors, summary.errors
    return build_retriever(data_dir, embedder)


@pytest.fixture(scope="session")
def knowledge_retriever(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Return a HybridRetriever over a few real knowledge pages, ingested once per session."""
    return index_pages(tmp_path_factory, PAGES, "engine")


@pytest.fixture(scope="session")
def fake_llm() -> Iterator[FakeOpenAI]:
    """Return a running fake OpenAI-compatible server (shared; cleared before each use)."""
    server = FakeOpenAI().start()
    yield server
    server.stop()


AppFactory = Callable[..., AbstractContextManager[tuple[TestClient, Runtime]]]


@pytest.fixture
def make_client(tmp_path: Path, knowledge_retriever: Any, seed_data_dir: Path) -> AppFactory:
    """Return a context manager factory: `with make_client(llm=fake) as (client, runtime)`."""

    @contextmanager
    def factory(
        llm: FakeOpenAI | None = None, timeout_s: float = 20.0, **overrides: Any
    ) -> Iterator[tuple[TestClient, Runtime]]:
        if "data_dir" not in overrides and not (tmp_path / "data").exists():
            seed_data(tmp_path / "data", seed_data_dir)
        values: dict[str, Any] = {"data_dir": tmp_path / "data", "env": "test", **overrides}
        if llm is not None:
            llm.clear()
            values = {
                "llm_base_url": llm.base_url,
                "llm_model": "fake-model",
                "llm_timeout_s": timeout_s,
                **values,
            }
        settings: Settings = load_settings(**values)
        runtime = build_runtime(settings, retriever=knowledge_retriever)
        try:
            with TestClient(create_app(runtime=runtime)) as client:
                if llm is not None:
                    llm.clear()  # forget the start-up check: tests count the turns' requests
                yield client, runtime
        finally:
            runtime.db.dispose()

    return factory
