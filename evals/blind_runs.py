"""Run a blind set through the whole assistant over HTTP and keep every reply, for reading.

Answers are judged by reading (does the reply say what `must_say` asks, correctly, for this person?),
so this writes the transcripts, not a verdict: `python -m evals.blind_runs SET_DIR OUT.json`.
Dialogs are scored here too: a dialog passes when it ends submitted with every expected field right.
The data dir must hold an index of the knowledge (`wil-assistant ingest` with WIL_DATA_DIR set).
"""

from __future__ import annotations

import json
import sys
import time
import unicodedata
from pathlib import Path
from typing import Any

import yaml
from fastapi.testclient import TestClient

from assistant.config import load_settings
from assistant.runtime import build_runtime
from channels.web.app import create_app


def _fold(value: Any) -> Any:
    if isinstance(value, str):
        text = unicodedata.normalize("NFKD", value.lower().replace("_", " "))
        return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())
    if isinstance(value, list):
        return sorted(_fold(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _labels(name: str) -> dict[str, str]:
    """Return {code: folded display name} for coded fields people may see as a label."""
    from assistant.understanding.vocab import names

    vocab = {"program": "programs", "institution": "institutions"}.get(name)
    return {k: _fold(v) for k, v in names(vocab).items()} if vocab else {}


def field_ok(name: str, want: Any, got: Any) -> bool:
    """Compare one field: exact for codes and numbers, loose (contains) for free text."""
    if name in ("contact_phone", "phone") and isinstance(want, str) and isinstance(got, str):
        digits = "".join(c for c in got if c.isdigit())
        return digits.endswith("".join(c for c in want if c.isdigit()))
    if isinstance(want, str) and isinstance(got, str) and _labels(name).get(want) == _fold(got):
        return True
    if name in ("start_term", "preferred_term") and isinstance(want, str) and isinstance(got, str):
        # "Starting in January" is kept as the month (2027-01); the set names the term it starts.
        from assistant.intake.terms import SEASON_MONTHS

        year, _, season = want.partition("-")
        first = SEASON_MONTHS.get(season, (0, 0))[0]
        if got == f"{year}-{first:02d}":
            return True
    if name == "program" and isinstance(want, str) and isinstance(got, str):
        # A student's program is kept as written ("Comp sci"); the offer routing reads it through
        # the program vocabulary, so the code that reading gives is what is compared.
        from assistant.intake import gazetteers as gz

        if want in {h.value for h in gz.find_longest(gz.PROGRAM_AREAS, gz.fold(got))}:
            return True
    if name in (
        "organization_name",
        "contact_name",
        "full_name",
        "role_title",
        "location",
        "interests",
        "role_description",
        "program",
    ) and isinstance(want, str):
        return got is not None and (_fold(want) in _fold(got) or _fold(got) in _fold(want))
    return bool(_fold(want) == _fold(got))


class Session:
    """One conversation over the HTTP API."""

    def __init__(self, client: TestClient, locale: str) -> None:
        self.client = client
        body = client.post("/api/conversations", json={"channel": "web", "locale": locale}).json()
        self.id, self.token = body["id"], body["token"]

    def say(self, text: str) -> dict[str, Any]:
        response = self.client.post(
            f"/api/conversations/{self.id}/messages",
            json={"text": text},
            headers={"Authorization": f"Bearer {self.token}"},
        )
        return {"status": response.status_code, **(response.json() if response.content else {})}


def _reply(turn: dict[str, Any]) -> dict[str, Any]:
    reply = turn.get("reply") or {}
    return {
        "text": reply.get("text"),
        "citations": [c.get("key") or c.get("title") for c in reply.get("citations") or []],
        "urls": [c.get("url") for c in reply.get("citations") or []],
        "mode": turn.get("mode"),
        "handoff": bool(turn.get("handoff")),
        "http": turn.get("status"),
    }


def run(set_dir: Path, client: TestClient) -> dict[str, Any]:
    """Run the set's questions, follow-ups and dialogs; return transcripts and dialog scores."""
    out: dict[str, Any] = {"questions": [], "followups": [], "dialogs": []}
    answers = set_dir / "answers.yaml"
    if answers.exists():
        raw = yaml.safe_load(answers.read_text(encoding="utf-8"))
        for q in raw.get("questions") or []:
            turn = Session(client, q["lang"]).say(q["text"])
            out["questions"].append({**q, "reply": _reply(turn)})
        for f in raw.get("followups") or []:
            s = Session(client, f["lang"])
            first = s.say(f["first"])
            follow = s.say(f["followup"])
            out["followups"].append({**f, "first_reply": _reply(first), "reply": _reply(follow)})
    dialogs = set_dir / "dialogs.yaml"
    if dialogs.exists():
        for d in yaml.safe_load(dialogs.read_text(encoding="utf-8"))["dialogs"]:
            s = Session(client, d["lang"])
            intake: dict[str, Any] | None = None
            replies = []
            for text in d["turns"]:
                turn = s.say(text)
                intake = turn.get("intake") or intake
                replies.append({"you": text, **_reply(turn)})
            fields = (intake or {}).get("fields") or {}
            wrong = {
                k: {"want": v, "got": fields.get(k)}
                for k, v in d["expected"].items()
                if not field_ok(k, v, fields.get(k))
            }
            status = (intake or {}).get("status")
            out["dialogs"].append(
                {
                    "id": d["id"],
                    "kind": d["kind"],
                    "lang": d["lang"],
                    "status": status,
                    "passed": status == "submitted" and not wrong,
                    "wrong": wrong,
                    "turns": replies,
                }
            )
    if out["dialogs"]:
        passed = sum(d["passed"] for d in out["dialogs"])
        out["dialog_score"] = f"{passed}/{len(out['dialogs'])}"
    return out


def main(argv: list[str]) -> None:
    """Run SET_DIR against the index in WIL_DATA_DIR and write OUT.json."""
    set_dir, target = Path(argv[0]), Path(argv[1])
    # One conversation per question from one address: the abuse limits would refuse the set.
    settings = load_settings(env="test", rate_conversations_per_hour=0, rate_messages_per_minute=0)
    runtime = build_runtime(settings, llm=None)
    started = time.perf_counter()
    try:
        with TestClient(create_app(runtime=runtime)) as client:
            result = run(set_dir, client)
    finally:
        runtime.db.dispose()
    result["seconds"] = round(time.perf_counter() - started, 1)
    target.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    print(
        result.get("dialog_score", ""),
        f"{len(result['questions'])} questions,",
        f"{len(result['followups'])} follow-ups in {result['seconds']} s -> {target}",
    )


if __name__ == "__main__":
    main(sys.argv[1:])
