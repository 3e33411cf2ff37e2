"""Crypto settings beside the shared `Settings`: the extra master keys accepted to unwrap."""

from __future__ import annotations

import base64

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class CryptoSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    master_keys_old: str = Field(
        default="",
        description="comma-separated base64 keys accepted for unwrapping while rotating",
    )

    @field_validator("master_keys_old")
    @classmethod
    def _keys(cls, value: str) -> str:
        for part in filter(None, (p.strip() for p in value.split(","))):
            if len(base64.b64decode(part, validate=True)) != 32:
                raise ValueError("each MASTER_KEYS_OLD key must decode to 32 bytes")
        return value

    @property
    def old_keys(self) -> list[bytes]:
        return [base64.b64decode(p.strip()) for p in self.master_keys_old.split(",") if p.strip()]
