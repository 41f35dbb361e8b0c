"""Intake forms: the field registry per kind, and the pydantic draft models derived from it."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, ValidationInfo, create_model, model_validator

from assistant.intake.fields_employer import EMPLOYER_FIELDS
from assistant.intake.fields_student import STUDENT_FIELDS
from assistant.intake.spec import FieldSpec, lang
from assistant.intake.validators import ParseContext

__all__ = [
    "EMPLOYER_FIELDS",
    "MODELS",
    "REGISTRY",
    "STUDENT_FIELDS",
    "EmployerIntake",
    "FieldSpec",
    "Kind",
    "StudentIntake",
    "fields_for",
    "lang",
    "required_fields",
]

Kind = Literal["employer", "student"]

REGISTRY: dict[str, dict[str, FieldSpec]] = {"employer": EMPLOYER_FIELDS, "student": STUDENT_FIELDS}


def fields_for(kind: str) -> dict[str, FieldSpec]:
    """Return the ordered field registry for an intake kind."""
    return REGISTRY[kind]


def required_fields(kind: str) -> list[str]:
    """Return the required field names in the order they are asked."""
    return [name for name, spec in fields_for(kind).items() if spec.required]


def _validate_all(kind: str, data: Any, info: ValidationInfo) -> Any:
    if not isinstance(data, dict):
        return data
    today = (info.context or {}).get("today") or date(1970, 1, 1)
    ctx = ParseContext(today=today, locale=(info.context or {}).get("locale", "en"))
    specs = fields_for(kind)
    return {
        key: (specs[key].validate(value, ctx) if key in specs and value is not None else value)
        for key, value in data.items()
    }


# The Python type each registry field type is stored as; a field with choices is one of them.
STORED_TYPES: dict[str, Any] = {
    "text": str,
    "email": str,
    "phone": str,
    "term": str,
    "choice": str,
    "integer": int,
    "number": float,
    "boolean": bool,
    "list": list[str],
}


def _stored_type(spec: FieldSpec) -> Any:
    if spec.type == "choice" and spec.choices:
        return Literal[spec.choices]  # type: ignore[valid-type]
    return STORED_TYPES[spec.type]


class DraftModel(BaseModel):
    """A form's draft: values normalised by each field's validator, unknown fields refused."""

    model_config = ConfigDict(extra="forbid")
    form_kind: ClassVar[str] = ""

    @model_validator(mode="before")
    @classmethod
    def _normalise(cls, data: Any, info: ValidationInfo) -> Any:
        return _validate_all(cls.form_kind, data, info)


def draft_model(kind: str, name: str, doc: str) -> type[DraftModel]:
    """Build the pydantic draft model of a form from its field registry (every field optional)."""
    fields: dict[str, Any] = {
        field: (_stored_type(spec) | None, None) for field, spec in fields_for(kind).items()
    }
    model: type[DraftModel] = create_model(name, __base__=DraftModel, __doc__=doc, **fields)
    model.form_kind = kind
    return model


EmployerIntake = draft_model(
    "employer",
    "EmployerIntake",
    "An employer's request to host students; every field optional while drafting.",
)
StudentIntake = draft_model(
    "student",
    "StudentIntake",
    "A student's request for a placement; every field optional while drafting.",
)

MODELS: dict[str, type[BaseModel]] = {"employer": EmployerIntake, "student": StudentIntake}
