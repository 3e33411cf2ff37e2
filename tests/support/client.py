"""A GraphQL client over real HTTP, and helpers to make users."""

from __future__ import annotations

import base64
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from datastore.kit.postgres import statement_counts

SIGN_UP = """
mutation SignUp($input: SignUpInput!) {
  signUp(input: $input) { token user { id email username } session { id } }
}
"""


@dataclass
class Account:
    token: str
    user_id: str
    session_id: str
    email: str
    username: str
    password: str

    @property
    def uuid(self) -> str:
        """The database id inside the opaque global id."""
        return base64.b64decode(self.user_id).decode().split(":", 1)[1]


class GraphQLClient:
    def __init__(self, base_url: str, *, address: str | None = None) -> None:
        self.base_url = base_url
        # The server trusts X-Forwarded-For from loopback, as behind a proxy: each client
        # gets its own documentation-range address so per-address limits stay per test.
        self.address = address or f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}"
        self.http = httpx.AsyncClient(
            base_url=base_url, timeout=30, headers={"x-forwarded-for": self.address}
        )

    async def __aenter__(self) -> GraphQLClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.http.aclose()

    async def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        all_headers = {"accept": "application/graphql-response+json", **(headers or {})}
        if token:
            all_headers["authorization"] = f"Bearer {token}"
        return await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=all_headers
        )

    async def execute(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """The JSON body of a GraphQL request."""
        response = await self.post(query, variables, token=token, headers=headers)
        return response.json()

    async def data(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None
    ) -> dict[str, Any]:
        """The data of a request that must succeed."""
        body = await self.execute(query, variables, token=token)
        assert "errors" not in body, body
        return body["data"]

    async def count_statements(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None
    ) -> int:
        """How many SQL statements the server ran for this one request."""
        request_id = f"count-{uuid.uuid4().hex}"
        body = await self.execute(
            query, variables, token=token, headers={"x-request-id": request_id}
        )
        assert "errors" not in body, body
        return statement_counts.pop(request_id, 0)

    async def sign_up(
        self, *, password: str = "correct horse battery", device_name: str = "test device"
    ) -> Account:
        tag = secrets.token_hex(5)
        email, username = f"user-{tag}@example.com", f"user_{tag}"
        data = await self.data(
            SIGN_UP,
            {
                "input": {
                    "email": email,
                    "username": username,
                    "password": password,
                    "deviceName": device_name,
                }
            },
        )
        result = data["signUp"]
        return Account(
            result["token"],
            result["user"]["id"],
            result["session"]["id"],
            email,
            username,
            password,
        )


def error_codes(body: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors", [])]
