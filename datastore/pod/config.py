"""Pod settings beside the shared `Settings` (same environment and .env)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class PodConfig(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    pod_trash_days: int = Field(default=30, ge=1, description="days before trash is purged")
    pod_maintenance_seconds: float = Field(
        default=60, gt=0, description="how often the purge/expiry worker looks for work"
    )
    pod_cache_enabled: bool = Field(default=True, description="Redis read caches")
