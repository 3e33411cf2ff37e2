"""Limits of people and chat, from CHAT_* environment variables."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ChatSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CHAT_", env_file=".env", extra="ignore")

    send_limit: int = Field(default=30, ge=1, description="messages per user per send window")
    send_window_seconds: int = Field(default=10, ge=1)
    friend_request_limit: int = Field(default=50, ge=1, description="requests per user per hour")
    typing_limit: int = Field(default=60, ge=1, description="typing signals per user per minute")
    max_body: int = Field(default=4000, ge=1, description="characters of a message body")
    # A websocket refreshes its presence and "looking at" keys every `heartbeat_seconds`;
    # a key not refreshed for `presence_ttl_seconds` means the socket is gone (crash, cut).
    heartbeat_seconds: float = Field(default=15, gt=0)
    presence_ttl_seconds: float = Field(default=45, gt=0)
    typing_ttl_seconds: int = Field(default=6, ge=1)
    fanout_concurrency: int = Field(default=32, ge=1)


@lru_cache(maxsize=1)
def chat_settings() -> ChatSettings:
    return ChatSettings()
