"""Typed settings read from PATHWAYS_* environment variables (the only reader of os.environ).

A missing or malformed setting stops start-up with one line naming the setting: the service
never starts half-configured.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# The reference data: data/ next to the package in a source checkout (or an editable install),
# else the copy the wheel carries inside the package (see pyproject.toml).
DATA_DIR = (
    PROJECT_ROOT / "data"
    if (PROJECT_ROOT / "data" / "programs").is_dir()
    else Path(__file__).resolve().parent / "data"
)
DEV_SECRET = "dev-only-secret-do-not-use-in-production"
SUPPORTED_LANGS = ("es", "en", "fr")


class ConfigError(RuntimeError):
    """A setting is missing or malformed, or the database cannot be reached."""


class Environment(StrEnum):
    production = "production"
    development = "development"
    test = "test"


def _next_month_start(today: date) -> date:
    return date(today.year + (today.month == 12), today.month % 12 + 1, 1)


def _window_end(start: date) -> date:
    # A 24-month window: the day before the same date two years later.
    return date.fromordinal(start.replace(year=start.year + 2).toordinal() - 1)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PATHWAYS_", extra="ignore", frozen=True)

    env: Environment = Environment.production
    database_url: str = "sqlite:///instance/pathways.sqlite"
    secret_key: str | None = None
    log_level: str = "INFO"
    ratelimit_enabled: bool = True
    ratelimit_storage_uri: str = "memory://"
    eligibility_rate_limit: str = "120/minute"
    target: int = Field(default=50000, gt=0)
    target_start: date | None = None
    target_end: date | None = None
    target_origins: str = "SV,GT,HN"
    data_dir: Path = DATA_DIR
    max_upload_mb: int = Field(default=25, gt=0)
    catalog_cache_seconds: float = Field(default=30.0, ge=0)
    # Session cookies only over HTTPS; defaults to true in production (TLS at the balancer).
    cookie_secure: bool | None = None
    # Strict-Transport-Security max-age in seconds; 0 sends none (turn it on once every host
    # of the domain is served over HTTPS: browsers remember it).
    hsts_seconds: int = Field(default=0, ge=0, le=2 * 365 * 86400)
    # Days an API token works; then its owner issues a new one.
    token_days: int = Field(default=90, ge=1, le=730)

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return level

    @field_validator("database_url")
    @classmethod
    def _url(cls, value: str) -> str:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            make_url(value)
        except ArgumentError as exc:
            raise ValueError(f"not a database URL ({exc})") from None
        return value

    @field_validator("target_origins")
    @classmethod
    def _origins(cls, value: str) -> str:
        codes = [c.strip().upper() for c in value.split(",") if c.strip()]
        if not codes or any(len(c) != 2 or not c.isalpha() for c in codes):
            raise ValueError("must be comma-separated ISO 3166-1 alpha-2 codes, e.g. SV,GT,HN")
        return ",".join(codes)

    @model_validator(mode="after")
    def _secret_and_window(self) -> Settings:
        if not self.secret_key:
            if self.env is Environment.production:
                raise ValueError(
                    "PATHWAYS_SECRET_KEY is required (a development default exists only when "
                    "PATHWAYS_ENV=development)"
                )
            object.__setattr__(self, "secret_key", DEV_SECRET)
        # Default window: the 24 months starting on the first day of next month.
        if self.target_start is None:
            object.__setattr__(self, "target_start", _next_month_start(date.today()))
        if self.target_end is None:
            object.__setattr__(self, "target_end", _window_end(self.target_start))
        assert self.target_start is not None and self.target_end is not None
        if self.target_end <= self.target_start:
            raise ValueError("PATHWAYS_TARGET_END must be after PATHWAYS_TARGET_START")
        return self

    @property
    def origins(self) -> tuple[str, ...]:
        return tuple(self.target_origins.split(","))

    @property
    def safe_database_url(self) -> str:
        """The database URL without its password, for logs and start-up messages."""
        from sqlalchemy.engine import make_url

        return make_url(self.database_url).render_as_string(hide_password=True)


def load_settings(overrides: dict[str, Any] | None = None) -> Settings:
    """Read settings; raise ConfigError with one line naming the bad setting."""
    try:
        return Settings(**(overrides or {}))
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = "_".join(str(p) for p in first["loc"]).upper()
        name = f"PATHWAYS_{loc}" if loc else "configuration"
        message = str(first["msg"]).removeprefix("Value error, ")
        if message.startswith("PATHWAYS_"):
            raise ConfigError(message) from None
        raise ConfigError(f"{name}: {message} (got {first.get('input')!r})") from None
