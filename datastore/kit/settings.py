"""One `Settings` object, from environment variables and an optional `.env` file."""

from __future__ import annotations

import base64
from functools import lru_cache
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ConfigurationError(Exception):
    """A setting is missing or wrong; the message is one line that says how to fix it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(description="PostgreSQL 16 with pgvector, SQLAlchemy asyncpg URL")
    dynamodb_endpoint: str = Field(
        default="", description="DynamoDB endpoint; empty means AWS in DYNAMODB_REGION"
    )
    dynamodb_region: str = "us-east-1"
    dynamodb_table_prefix: str = "personalpod_"
    redis_url: str = Field(description="Redis for pub/sub, caches and rate limits")
    master_key: str = Field(description="base64 of 32 random bytes; wraps every user's data key")

    session_ttl_days: int = Field(default=30, ge=1, le=365)
    password_hash_profile: Literal["interactive", "moderate", "sensitive", "minimal"] = (
        "interactive"
    )
    sign_in_limit_per_account: int = Field(default=5, ge=1)
    sign_in_limit_per_address: int = Field(default=30, ge=1)
    sign_in_window_seconds: int = Field(default=900, ge=1)
    sign_up_limit_per_address: int = Field(default=10, ge=1)

    max_query_depth: int = Field(default=12, ge=2)
    max_query_cost: int = Field(default=20_000, ge=10)
    max_page_size: int = Field(default=100, ge=1)

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=0, ge=0, description="0 = one per core")
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["json", "console"] = "json"
    forwarded_allow_ips: str = Field(
        default="127.0.0.1", description="proxies trusted for X-Forwarded-For"
    )
    run_workers_in_process: bool = True

    @field_validator("database_url")
    @classmethod
    def _asyncpg_url(cls, value: str) -> str:
        if value.startswith(("postgres://", "postgresql://")):
            return "postgresql+asyncpg://" + value.split("://", 1)[1]
        if not value.startswith("postgresql+asyncpg://"):
            raise ValueError("must be a postgresql:// URL")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str) -> str:
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must be a redis:// URL")
        return value

    @field_validator("master_key")
    @classmethod
    def _master_key(cls, value: str) -> str:
        try:
            raw = base64.b64decode(value, validate=True)
        except ValueError as error:
            raise ValueError("must be base64") from error
        if len(raw) != 32:
            raise ValueError("must decode to 32 bytes (try: personalpod generate-key)")
        return value

    @property
    def master_key_bytes(self) -> bytes:
        return base64.b64decode(self.master_key)


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, or a ConfigurationError naming the bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        reason = "is not set" if first["type"] == "missing" else first["msg"]
        raise ConfigurationError(
            f"{name} {reason}: set it in the environment or .env (see README, Configuration)"
        ) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
