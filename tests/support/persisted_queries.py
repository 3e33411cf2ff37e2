"""Requests that name their document by hash, as Apollo's persisted-query links send them."""

from __future__ import annotations

import hashlib
import json
import secrets
from pathlib import Path
from typing import Any

import httpx

from tests.support.client import GraphQLClient

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"


def sha256(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


def persisted(sha256_hash: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256_hash}}


def fresh_query(body: str = "__typename") -> str:
    """A query no earlier test stored: its operation name is new."""
    return f"query Fresh{secrets.token_hex(6)} {{ {body} }}"


async def post_persisted(
    client: GraphQLClient,
    sha256_hash: str,
    query: str | None = None,
    *,
    token: str | None = None,
    accept: str = GRAPHQL_RESPONSE_JSON,
    variables: dict[str, Any] | None = None,
) -> httpx.Response:
    body: dict[str, Any] = {"extensions": persisted(sha256_hash)}
    if query is not None:
        body["query"] = query
    if variables is not None:
        body["variables"] = variables
    headers = {"accept": accept}
    if token:
        headers["authorization"] = f"Bearer {token}"
    return await client.http.post("/graphql", json=body, headers=headers)


async def get_persisted(
    client: GraphQLClient,
    sha256_hash: str,
    *,
    token: str | None = None,
    accept: str = GRAPHQL_RESPONSE_JSON,
    variables: dict[str, Any] | None = None,
) -> httpx.Response:
    params = {"extensions": json.dumps(persisted(sha256_hash))}
    if variables is not None:
        params["variables"] = json.dumps(variables)
    headers = {"accept": accept}
    if token:
        headers["authorization"] = f"Bearer {token}"
    return await client.http.get("/graphql", params=params, headers=headers)


def write_manifest(path: Path, *queries: str) -> Path:
    """An Apollo persisted-query manifest listing `queries`."""
    operations = [
        {"id": sha256(query), "name": f"Operation{index}", "type": "query", "body": query}
        for index, query in enumerate(queries)
    ]
    manifest = {"format": "apollo-persisted-query-manifest", "version": 1, "operations": operations}
    path.write_text(json.dumps(manifest))
    return path
