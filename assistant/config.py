"""Settings: the one place configuration is read from the environment."""

from __future__ import annotations

import functools
import re
from datetime import date, time, timedelta
from importlib import resources
from ipaddress import ip_network
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from assistant.errors import ConfigError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@functools.lru_cache(maxsize=16)
def load_zone(name: str) -> ZoneInfo:
    """Return the time zone `name` from the pinned `tzdata` package, else from the system.

    Python's zoneinfo prefers the operating system's copy, which can be years older than the
    pinned package: Alberta's 2026 change to America/Edmonton is in tzdata 2026f but not in the
    2025 data of some distributions, which put the server's "reply at 9:00" an hour away from
    what browsers show. The package is the same on every install, so it wins.
    """
    parts = name.split("/")
    if name and ".." not in parts and all(re.fullmatch(r"[\w+-]+", p) for p in parts):
        try:
            ref = resources.files("tzdata.zoneinfo").joinpath(*parts)
            with ref.open("rb") as fh:
                return ZoneInfo.from_file(fh, key=name)
        except (ModuleNotFoundError, OSError, ValueError):
            pass
    return ZoneInfo(name)


class Settings(BaseSettings):
    """Validated configuration, built once per process from `WIL_*` variables."""

    model_config = SettingsConfigDict(
        env_prefix="WIL_",
        # A `.env` in the working directory (as README and .gitignore suggest); the real
        # environment wins over it.
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
        populate_by_name=True,
    )

    env: Literal["dev", "test", "prod"] = "dev"
    data_dir: Path = Path("./data")
    knowledge_dir: Path | None = None
    database_url: str | None = None
    redis_url: str | None = None

    # LLM (any OpenAI-compatible server). Off unless chosen explicitly: a base URL, or
    # WIL_LLM_PROVIDER=openai for the public OpenAI endpoint. OPENAI_API_KEY alone does nothing,
    # so a key exported in a shell never sends conversations out by itself.
    llm_base_url: str | None = None
    llm_provider: Literal["none", "openai"] = "none"
    llm_model: str | None = None
    llm_timeout_s: float = Field(default=20.0, gt=0, le=300)
    llm_first_token_timeout_s: float = Field(default=8.0, gt=0, le=300)
    llm_structured: Literal["json_schema", "function_calling", "json_mode", "none"] = "json_schema"
    llm_breaker_failures: int = Field(default=3, ge=1, le=100)
    llm_breaker_cooldown_s: float = Field(default=60.0, gt=0, le=3600)
    openai_api_key: SecretStr | None = Field(default=None, validation_alias="OPENAI_API_KEY")
    embedder: Literal["minilm", "openai"] = "minilm"
    embedding_model: str = "text-embedding-3-small"

    # Web
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    public_url: str = "http://127.0.0.1:8000"
    # Abuse protection (0 disables a limit); proxies allowed to set X-Forwarded-For.
    rate_conversations_per_hour: int = Field(default=60, ge=0)
    rate_messages_per_minute: int = Field(default=30, ge=0)
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)

    # Secretariat
    timezone: str = "America/Edmonton"
    business_hours: str = "09:00-17:00"
    business_days: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["mon", "tue", "wed", "thu", "fri"]
    )
    # Closed days: Alberta's holidays (none = only WIL_CLOSED_DATES), closures such as
    # 2026-12-24,2026-12-31 or a range 2026-12-24..2027-01-01.
    holiday_calendar: Literal["alberta", "none"] = "alberta"
    truth_and_reconciliation_day: bool = True
    closed_dates: Annotated[list[date], NoDecode] = Field(default_factory=list)
    secretariat_email: str | None = None
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = "wil-assistant@localhost"

    # Personal data
    retention_days: int = Field(default=365, ge=1, le=3650)

    # Telegram
    telegram_token: SecretStr | None = None
    telegram_base_url: str | None = None
    telegram_mode: Literal["polling", "webhook"] = "polling"
    telegram_webhook_secret: SecretStr | None = None
    telegram_staff_chat_id: int | None = None

    @field_validator("cors_origins", "business_days", "trusted_proxies", mode="before")
    @classmethod
    def _split_csv(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("business_days")
    @classmethod
    def _check_days(cls, value: list[str]) -> list[str]:
        days = [d.lower()[:3] for d in value]
        bad = [d for d in days if d not in WEEKDAYS]
        if bad:
            raise ValueError(f"unknown day(s) {bad}; use mon,tue,...,sun")
        return days

    @field_validator("closed_dates", mode="before")
    @classmethod
    def _parse_dates(cls, value: object) -> object:
        if isinstance(value, str):
            return _parse_dates(value)
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _check_proxies(cls, value: list[str]) -> list[str]:
        try:
            return [str(ip_network(part, strict=False)) for part in value]
        except ValueError as exc:
            raise ValueError(f"{exc}; use IP addresses or CIDR ranges, e.g. 10.0.0.0/8") from exc

    @field_validator("timezone")
    @classmethod
    def _check_tz(cls, value: str) -> str:
        try:
            load_zone(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("business_hours")
    @classmethod
    def _check_hours(cls, value: str) -> str:
        start, end = _parse_hours(value)
        if start >= end:
            raise ValueError("opening time must be before closing time")
        return value

    @field_validator("database_url")
    @classmethod
    def _check_db(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("sqlite", "postgresql")):
            raise ValueError("must start with sqlite:// or postgresql+psycopg://")
        return value

    @field_validator("redis_url")
    @classmethod
    def _check_redis(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis:// or rediss://")
        return value

    @field_validator("llm_base_url", "telegram_base_url", "public_url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/") if value else value

    @field_validator("llm_base_url")
    @classmethod
    def _check_llm_url(cls, value: str | None) -> str | None:
        """Give a bare server address its `/v1`; refuse an endpoint given in place of the base."""
        if value is None:
            return value
        path = urlsplit(value).path
        if path.endswith(("/chat/completions", "/completions", "/embeddings")):
            raise ValueError(
                "give the API's base URL, without the endpoint (e.g. http://127.0.0.1:11434/v1)"
            )
        if path in ("", "/"):
            # Ollama, vLLM and most servers serve the OpenAI API under /v1; a bare address
            # would reach their own API (or nothing) and fail on every turn.
            return value + "/v1"
        return value

    @field_validator("llm_model")
    @classmethod
    def _check_llm_model(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @model_validator(mode="after")
    def _check_prod_secrets(self) -> Settings:
        if self.env == "prod" and not self.public_url.startswith("https://"):
            # Console cookies are only marked Secure, and Telegram only calls webhooks, over https.
            raise ValueError("WIL_PUBLIC_URL must be an https:// URL when WIL_ENV=prod")
        if (
            self.telegram_mode == "webhook"
            and self.telegram_token
            and not self.telegram_webhook_secret
        ):
            raise ValueError("WIL_TELEGRAM_WEBHOOK_SECRET is required in webhook mode")
        if self.llm_enabled and not self.llm_model:
            # No silent default: a local server rarely has the model a default would name.
            raise ValueError(
                "WIL_LLM_MODEL is required when WIL_LLM_BASE_URL or WIL_LLM_PROVIDER is set "
                "(e.g. gpt-4o-mini for OpenAI, llama3.1 for Ollama)"
            )
        if self.llm_provider == "openai" and not self.llm_base_url and not self.openai_api_key:
            raise ValueError("OPENAI_API_KEY is required when WIL_LLM_PROVIDER=openai")
        return self

    # Derived values -----------------------------------------------------------------

    @property
    def sqlalchemy_url(self) -> str:
        """Return the database URL, defaulting to SQLite in the data dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'wil.sqlite3').as_posix()}"

    @property
    def knowledge_path(self) -> Path:
        """Return the default knowledge folder (the checkout's `knowledge/` unless overridden)."""
        if self.knowledge_dir is not None:
            return self.knowledge_dir
        return Path(__file__).resolve().parent.parent / "knowledge"

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def llm_enabled(self) -> bool:
        """Return True when LLM mode was chosen: a base URL, or the OpenAI provider by name."""
        return bool(self.llm_base_url) or self.llm_provider == "openai"

    @property
    def llm_first_token_s(self) -> float:
        """Return the first-token limit, never longer than the total limit."""
        return min(self.llm_first_token_timeout_s, self.llm_timeout_s)

    @property
    def telegram_enabled(self) -> bool:
        return self.telegram_token is not None

    @property
    def smtp_enabled(self) -> bool:
        return bool(self.smtp_host and self.secretariat_email)

    @property
    def tz(self) -> ZoneInfo:
        return load_zone(self.timezone)

    @property
    def opening_hours(self) -> tuple[time, time]:
        return _parse_hours(self.business_hours)


def _parse_hours(value: str) -> tuple[time, time]:
    try:
        start_s, end_s = value.split("-")
        return time.fromisoformat(start_s.strip()), time.fromisoformat(end_s.strip())
    except ValueError as exc:
        raise ValueError("use HH:MM-HH:MM, e.g. 09:00-17:00") from exc


MAX_CLOSURE_DAYS = 366


def _parse_dates(value: str) -> list[date]:
    """Parse `2026-12-24,2026-12-31` or ranges `2026-12-24..2027-01-01` into sorted dates."""
    days: set[date] = set()
    for part in (p.strip() for p in value.split(",")):
        if not part:
            continue
        first_s, _, last_s = part.partition("..")
        try:
            first = date.fromisoformat(first_s.strip())
            last = date.fromisoformat(last_s.strip()) if last_s else first
        except ValueError:
            raise ValueError(
                f"{part!r} is not a date; use YYYY-MM-DD (e.g. 2026-12-24) "
                "or a range YYYY-MM-DD..YYYY-MM-DD, separated by commas"
            ) from None
        if last < first or (last - first).days >= MAX_CLOSURE_DAYS:
            raise ValueError(f"{part!r}: a range must go forward and span at most a year")
        days.update(first + timedelta(days=n) for n in range((last - first).days + 1))
    return sorted(days)


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment, turning validation errors into ConfigError naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = str(err["loc"][0]) if err["loc"] else ""
            var = "OPENAI_API_KEY" if loc == "openai_api_key" else f"WIL_{loc.upper()}"
            msg = str(err["msg"]).removeprefix("Value error, ")
            problems.append(f"{var}: {msg}" if loc else msg)
        raise ConfigError("invalid configuration: " + "; ".join(problems)) from None


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings (built on first use)."""
    return load_settings()
