"""Intake forms: the field registry per kind and the pydantic draft models."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationInfo, model_validator

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


class EmployerIntake(BaseModel):
    """An employer's request to host students; every field optional while drafting."""

    model_config = ConfigDict(extra="forbid")

    organization_name: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    organization_size: Literal["1-9", "10-49", "50-99", "100-499", "500+"] | None = None
    industry: str | None = None
    location: str | None = None
    work_arrangement: Literal["on_site", "hybrid", "remote"] | None = None
    wil_type: str | None = None
    role_title: str | None = None
    role_description: str | None = None
    students_count: int | None = None
    start_term: str | None = None
    duration_months: int | None = None
    paid: bool | None = None
    hourly_wage: float | None = None
    programs_sought: list[str] | None = None
    institutions_preferred: list[str] | None = None
    consent_to_share: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _normalise(cls, data: Any, info: ValidationInfo) -> Any:
        return _validate_all("employer", data, info)


class StudentIntake(BaseModel):
    """A student's request for a placement; every field optional while drafting."""

    model_config = ConfigDict(extra="forbid")

    full_name: str | None = None
    email: str | None = None
    institution: str | None = None
    program: str | None = None
    year_of_study: int | None = None
    enrollment_status: Literal["full_time", "part_time"] | None = None
    residency_status: (
        Literal[
            "citizen", "permanent_resident", "protected_person", "international_student", "other"
        ]
        | None
    ) = None
    wil_type: str | None = None
    preferred_term: str | None = None
    interests: str | None = None
    consent_to_share: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _normalise(cls, data: Any, info: ValidationInfo) -> Any:
        return _validate_all("student", data, info)


MODELS: dict[str, type[BaseModel]] = {"employer": EmployerIntake, "student": StudentIntake}
