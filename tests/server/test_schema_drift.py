"""schema.graphql is generated from the code and committed; it must not drift."""

from __future__ import annotations

import subprocess
import sys

from server.schema_export import SCHEMA_FILE, schema_sdl


def test_committed_schema_matches_the_code() -> None:
    committed = SCHEMA_FILE.read_text()
    assert committed == schema_sdl(), (
        "schema.graphql is out of date: run `make schema` and commit the result"
    )


def test_export_schema_command_prints_the_same_sdl() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "server.cli", "export-schema"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout == SCHEMA_FILE.read_text()


def test_every_field_and_argument_is_documented() -> None:
    from graphql import GraphQLObjectType

    from server.schema import build_schema

    schema = build_schema()._schema
    missing = []
    for type_name, graphql_type in schema.type_map.items():
        if type_name.startswith("__") or not isinstance(graphql_type, GraphQLObjectType):
            continue
        for field_name, field in graphql_type.fields.items():
            if not field.description:
                missing.append(f"{type_name}.{field_name}")
            missing.extend(
                f"{type_name}.{field_name}({arg_name})"
                for arg_name, arg in field.args.items()
                if not arg.description
            )
    assert missing == []
