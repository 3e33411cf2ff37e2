"""The SDL of the schema as the code defines it; `schema.graphql` is this, committed."""

from __future__ import annotations

from pathlib import Path

from server.schema import build_schema

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema.graphql"


def schema_sdl() -> str:
    return build_schema().as_str() + "\n"
