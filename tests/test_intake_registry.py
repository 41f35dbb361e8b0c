"""One field registry: models, export columns, labels and the console are derived from it.

A meta-test: a form's field is declared once (assistant/intake/fields_*.py); everything else reads
the registry, and the selections other modules make (the staff card's fields) name only its fields.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.exports import columns_for
from assistant.intake import fields_for
from assistant.intake.schemas import MODELS, REGISTRY
from assistant.liaisons import NewLiaison
from tests.conftest import REPO_ROOT, auth


@pytest.mark.parametrize("kind", sorted(REGISTRY))
def test_models_and_export_columns_follow_the_registry(kind: str) -> None:
    assert list(MODELS[kind].model_fields) == list(fields_for(kind))
    assert columns_for(kind) == tuple(fields_for(kind))


def test_the_console_gets_field_labels_from_the_registry(
    client: TestClient, liaison: NewLiaison
) -> None:
    body = client.get("/api/intakes/fields", headers=auth(liaison.token)).json()
    for kind in REGISTRY:
        assert list(body[kind]) == list(fields_for(kind))
        for name, spec in fields_for(kind).items():
            assert body[kind][name] == {
                "en": spec.text("label", "en"),
                "fr": spec.text("label", "fr"),
                "required": spec.required,
            }
    assert client.get("/api/intakes/fields").status_code == 401


def _declares_fields(text: str, names: set[str]) -> set[str]:
    return {n for n in names if re.search(r"(?<![\w.])" + n + r"\s*:\s*[\[{\"']", text)}


def test_no_other_file_declares_the_fields_again() -> None:
    names = {n for kind in REGISTRY for n in fields_for(kind)}
    roots = [REPO_ROOT / "assistant", REPO_ROOT / "channels"]
    files = [p for root in roots for p in root.rglob("*") if p.suffix in (".py", ".js")]
    registry = {REPO_ROOT / "assistant/intake" / f"fields_{k}.py" for k in REGISTRY}
    twice = {
        str(p.relative_to(REPO_ROOT)): found
        for p in files
        if p not in registry and len(found := _declares_fields(p.read_text(), names)) >= 5
    }
    assert twice == {}, "field labels or types declared outside the registry"


def test_selections_of_fields_name_only_registry_fields() -> None:
    from channels.telegram.tickets import INTAKE_CARD_FIELDS

    for kind, chosen in INTAKE_CARD_FIELDS.items():
        assert set(chosen) <= set(fields_for(kind)), kind


def test_console_scripts_carry_no_field_label_table() -> None:
    console = Path(REPO_ROOT / "channels/web/console")
    for script in console.glob("*.js"):
        text = script.read_text()
        assert "Préférés" not in text and "institutions_preferred" not in text, script.name
