"""Intake: typed forms filled through conversation, for employers and students."""

from assistant.intake.eligibility import Guidance, prescreen
from assistant.intake.extract import Extraction, extract_fields
from assistant.intake.extractor import (
    LearnedFieldExtractor,
    RuleFieldExtractor,
    default_field_extractor,
)
from assistant.intake.flow import (
    IntakeClosedError,
    IntakeState,
    IntakeStep,
    LlmExtract,
    absorb,
    continue_intake,
    detect_intake_start,
    is_delete_request,
    resume_prompt,
    resume_step,
    start_intake,
    summary,
)
from assistant.intake.routing import route_intake
from assistant.intake.schemas import (
    EMPLOYER_FIELDS,
    STUDENT_FIELDS,
    EmployerIntake,
    FieldSpec,
    StudentIntake,
    fields_for,
    required_fields,
)
from assistant.intake.terms import format_term, parse_term

__all__ = [
    "EMPLOYER_FIELDS",
    "STUDENT_FIELDS",
    "EmployerIntake",
    "Extraction",
    "FieldSpec",
    "Guidance",
    "IntakeClosedError",
    "IntakeState",
    "IntakeStep",
    "LearnedFieldExtractor",
    "LlmExtract",
    "RuleFieldExtractor",
    "StudentIntake",
    "absorb",
    "continue_intake",
    "default_field_extractor",
    "detect_intake_start",
    "extract_fields",
    "fields_for",
    "format_term",
    "is_delete_request",
    "parse_term",
    "prescreen",
    "required_fields",
    "resume_prompt",
    "resume_step",
    "route_intake",
    "start_intake",
    "summary",
]
