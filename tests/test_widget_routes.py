"""What a partner site gets from the server: the widget script, the demo page, CORS by allow-list."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from assistant.config import Settings, load_settings
from assistant.runtime import build_runtime
from channels.web.app import create_app

PARTNER = "https://partner.example.ca"
STRANGER = "https://elsewhere.example.com"


@pytest.fixture
def cors_client(settings: Settings) -> Iterator[TestClient]:
    configured = load_settings(data_dir=settings.data_dir, env="test", cors_origins=PARTNER)
    runtime = build_runtime(configured, retriever=None)
    with TestClient(create_app(runtime=runtime)) as c:
        yield c
    runtime.db.dispose()


def test_widget_script_is_served_as_javascript_that_revalidates(client: TestClient) -> None:
    r = client.get("/widget.js")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/javascript; charset=utf-8"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "max-age=300" in r.headers["cache-control"]
    assert "attachShadow" in r.text
    again = client.get("/widget.js", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304


def test_demo_page_embeds_the_widget_in_english_with_a_french_switch(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert '<html lang="en">' in r.text
    assert '<script src="/widget.js" defer></script>' in r.text
    assert 'href="/fr"' in r.text
    fr = client.get("/fr")
    assert '<html lang="fr">' in fr.text and 'data-locale="fr"' in fr.text
    assert client.get("/demo.css").headers["content-type"].startswith("text/css")


def test_allowed_origin_gets_cors_headers_and_others_do_not(cors_client: TestClient) -> None:
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
    }
    ok = cors_client.options("/api/conversations", headers={"Origin": PARTNER, **preflight})
    assert ok.status_code == 200
    assert ok.headers["access-control-allow-origin"] == PARTNER
    assert "authorization" in ok.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in ok.headers

    refused = cors_client.options("/api/conversations", headers={"Origin": STRANGER, **preflight})
    assert "access-control-allow-origin" not in refused.headers

    created = cors_client.post(
        "/api/conversations", json={"channel": "web"}, headers={"Origin": PARTNER}
    )
    assert created.headers["access-control-allow-origin"] == PARTNER
    other = cors_client.post(
        "/api/conversations", json={"channel": "web"}, headers={"Origin": STRANGER}
    )
    assert "access-control-allow-origin" not in other.headers
