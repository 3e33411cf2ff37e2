"""GraphQL over HTTP through a real uvicorn: negotiation, status codes, errors and limits."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from strawberry.extensions.validation_cache import _get_validate_cache

from server.graphql.errors import INTERNAL_MESSAGE
from server.graphql.limits import CACHE_SIZE
from tests.support.graphql_http import MAX_COST, MAX_DEPTH, build_app, serve

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json; charset=utf-8"
JSON = "application/json; charset=utf-8"
PATH = "/graphql"


@pytest_asyncio.fixture(scope="module")
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with serve(build_app()) as url, httpx.AsyncClient(base_url=url) as http:
        del http.headers["accept"]  # Each test says what it accepts, if anything.
        yield http


async def post(
    client: httpx.AsyncClient, body: Any, accept: str | None = GRAPHQL_RESPONSE_JSON, **headers: str
) -> httpx.Response:
    if accept is not None:
        headers["accept"] = accept
    return await client.post(PATH, json=body, headers=headers)


HELLO = '{ hello(name: "Ada") }'


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        (None, JSON),
        ("application/json", JSON),
        ("application/graphql-response+json", GRAPHQL_RESPONSE_JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        ("application/graphql-response+json, application/json", GRAPHQL_RESPONSE_JSON),
        ("application/graphql-response+json, application/json;q=0.9", GRAPHQL_RESPONSE_JSON),
        ("application/json, application/graphql-response+json;q=0.5", JSON),
        ("application/graphql-response+json; charset=utf-8", GRAPHQL_RESPONSE_JSON),
        ("application/json;charset=UTF-8", JSON),
        ("application/graphql-response+json;q=0, */*", JSON),
        ("text/html,application/xhtml+xml,*/*;q=0.8", JSON),
    ],
)
async def test_post_query_negotiates_content_type(
    client: httpx.AsyncClient, accept: str | None, content_type: str
) -> None:
    # when
    response = await post(client, {"query": HELLO}, accept=accept)

    # then
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    assert response.json() == {"data": {"hello": "Hello, Ada!"}}


@pytest.mark.parametrize(
    "accept", ["text/plain", "application/json;q=0", "application/json; charset=latin-1"]
)
async def test_post_query_without_acceptable_type_is_406(
    client: httpx.AsyncClient, accept: str
) -> None:
    response = await post(client, {"query": HELLO}, accept=accept)

    assert response.status_code == 406
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_get_query_with_variables_returns_data(client: httpx.AsyncClient) -> None:
    # given
    params = {
        "query": "query Hi($name: String!) { hello(name: $name) }",
        "variables": '{"name": "Grace"}',
        "operationName": "Hi",
        "extensions": "{}",
    }

    # when
    response = await client.get(PATH, params=params, headers={"accept": "application/json"})

    # then
    assert response.status_code == 200
    assert response.json() == {"data": {"hello": "Hello, Grace!"}}


async def test_get_mutation_is_405_allowing_post(client: httpx.AsyncClient) -> None:
    params = {"query": 'mutation { echo(text: "x") }'}

    response = await client.get(PATH, params=params, headers={"accept": "application/json"})

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert "data" not in response.json()


async def test_get_mutation_selected_by_operation_name_is_405(client: httpx.AsyncClient) -> None:
    params = {"query": 'query Q { hello(name: "a") } mutation M { echo(text: "x") }'}

    response = await client.get(PATH, params={**params, "operationName": "M"})

    assert response.status_code == 405


async def test_post_mutation_returns_data(client: httpx.AsyncClient) -> None:
    response = await post(client, {"query": 'mutation { echo(text: "x") }'})

    assert response.status_code == 200
    assert response.json() == {"data": {"echo": "x"}}


async def test_put_is_405_allowing_get_and_post(client: httpx.AsyncClient) -> None:
    response = await client.put(PATH, json={"query": HELLO})

    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/json; charset=latin-1"])
async def test_post_without_json_content_type_is_415(
    client: httpx.AsyncClient, content_type: str | None
) -> None:
    headers = {"content-type": content_type} if content_type else {}

    response = await client.post(PATH, content=b'{"query": "{ __typename }"}', headers=headers)

    assert response.status_code == 415


@pytest.mark.parametrize("accept", ["application/json", "application/graphql-response+json"])
@pytest.mark.parametrize(
    "body",
    [
        b'{ "not a JSON',
        b"",
        b"[]",
        b'{"notquery": "{ __typename }"}',
        b'{"query": ""}',
        b'{"query": 1}',
        b'{"query": "{ __typename }", "variables": "string"}',
        b'{"query": "{ __typename }", "variables": ["array"]}',
        b'{"query": "{ __typename }", "operationName": 0}',
        b'{"query": "{ __typename }", "extensions": false}',
        b'{"query": "\xff"}',
    ],
)
async def test_post_malformed_request_is_400(
    client: httpx.AsyncClient, accept: str, body: bytes
) -> None:
    headers = {"content-type": "application/json", "accept": accept}

    response = await client.post(PATH, content=body, headers=headers)

    assert response.status_code == 400
    payload = response.json()
    assert "data" not in payload
    assert payload["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_get_with_invalid_variables_json_is_400(client: httpx.AsyncClient) -> None:
    response = await client.get(PATH, params={"query": HELLO, "variables": "{nope"})

    assert response.status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        {"query": "{"},
        {"query": "{ nope }"},
        {"query": "query Q($name: String!) { hello(name: $name) }", "variables": {}},
        {
            "query": "query Q($first: Int) { items(first: $first) { id } }",
            "variables": {"first": "many"},
        },
        {"query": "query Q { __typename }", "operationName": "Other"},
        {"query": "query A { __typename } query B { __typename }"},
        {"query": "fragment F on Query { __typename }"},
        {"query": "subscription { count }"},
    ],
    ids=[
        "parse",
        "validation",
        "missing variable",
        "variable coercion",
        "unknown operation",
        "ambiguous operation",
        "no operation",
        "subscription",
    ],
)
@pytest.mark.parametrize(
    ("accept", "status"), [("application/graphql-response+json", 400), ("application/json", 200)]
)
async def test_post_request_error_has_no_data(
    client: httpx.AsyncClient, body: dict[str, Any], accept: str, status: int
) -> None:
    # when
    response = await post(client, body, accept=accept)

    # then
    assert response.status_code == status
    payload = response.json()
    assert "data" not in payload
    assert payload["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_post_selected_operation_runs_only_that_one(client: httpx.AsyncClient) -> None:
    body = {"query": 'query A { a: hello(name: "a") } query B { b: hello(name: "b") }'}

    response = await post(client, {**body, "operationName": "B"})

    assert response.json() == {"data": {"b": "Hello, b!"}}


async def test_post_domain_error_keeps_its_code(client: httpx.AsyncClient) -> None:
    response = await post(client, {"query": '{ missing hello(name: "x") }'})

    assert response.status_code == 200
    payload = response.json()
    assert payload["data"] == {"missing": None, "hello": "Hello, x!"}
    [error] = payload["errors"]
    assert error["message"] == "No such note."
    assert error["path"] == ["missing"]
    assert error["extensions"] == {"code": "NOT_FOUND"}


async def test_post_unexpected_error_is_masked(client: httpx.AsyncClient) -> None:
    response = await post(client, {"query": "{ broken }"}, **{"x-request-id": "req-1"})

    assert response.status_code == 200
    payload = response.json()
    assert payload["data"] == {"broken": None}
    [error] = payload["errors"]
    assert error["message"] == INTERNAL_MESSAGE
    assert error["extensions"] == {"code": "INTERNAL", "requestId": "req-1"}
    assert "secret" not in response.text


async def test_post_field_error_nulling_data_is_200(client: httpx.AsyncClient) -> None:
    response = await post(client, {"query": "{ brokenRequired }"})

    assert response.status_code == 200
    payload = response.json()
    assert payload["data"] is None
    assert payload["errors"][0]["extensions"]["code"] == "INTERNAL"


@pytest.mark.parametrize(
    ("accept", "status"), [("application/graphql-response+json", 500), ("application/json", 200)]
)
async def test_post_crash_before_execution_is_masked(
    client: httpx.AsyncClient, accept: str, status: int
) -> None:
    response = await post(client, {"query": "query Crash { __typename }"}, accept=accept)

    assert response.status_code == status
    payload = response.json()
    assert "data" not in payload
    assert payload["errors"][0]["extensions"]["code"] == "INTERNAL"
    assert "secret" not in response.text


async def test_post_too_deep_query_is_400(client: httpx.AsyncClient) -> None:
    query = "{ items { items { items { items { items { items { id } } } } } } }"

    response = await post(client, {"query": query})

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert f"maximum operation depth of {MAX_DEPTH}" in error["message"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize(
    ("query", "cost"),
    [
        ("{ items(first: 50) { items(first: 20) { id } } }", 1051),
        ("query Q($n: Int) { items(first: $n) { id items(last: $n) { id } } }", 10201),
        (
            "{ items(first: 50) { ...Kids } } fragment Kids on Item { items(first: 20) { id } }",
            1051,
        ),
        ('{ a: items(first: 250) { id } b: items(first: 250) { id } c: hello(name: "x") }', 503),
    ],
    ids=["literals", "variables without default", "fragments", "siblings"],
)
async def test_post_costly_query_is_400(client: httpx.AsyncClient, query: str, cost: int) -> None:
    response = await post(client, {"query": query, "variables": {"n": 1}})

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert f"cost of {cost}, over the limit of {MAX_COST}" in error["message"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "cost": cost, "maxCost": MAX_COST}


async def test_each_operation_of_a_document_keeps_its_own_cost_verdict_when_repeated(
    client: httpx.AsyncClient,
) -> None:
    # given: one document, a costly operation and a cheap one, none with variables (their
    # verdicts are remembered per operation)
    query = (
        "query Big { items(first: 50) { items(first: 20) { id } } } "
        'query Small { hello(name: "Ada") }'
    )

    for _ in range(3):
        # when
        big = await post(client, {"query": query, "operationName": "Big"})
        small = await post(client, {"query": query, "operationName": "Small"})

        # then
        assert big.status_code == 400
        assert big.json()["errors"][0]["extensions"]["cost"] == 1051
        assert small.status_code == 200, small.json()
        assert "errors" not in small.json()


async def test_post_query_within_cost_runs(client: httpx.AsyncClient) -> None:
    # given: cost 1 + 3 * (1 + (1 + 3 * 1)) = 16, from the variable's declared default
    query = "query Q($n: Int = 3) { items(first: $n) { id items(first: $n) { id } } }"

    # when
    response = await post(client, {"query": query})

    # then
    assert response.status_code == 200
    assert len(response.json()["data"]["items"]) == 3


async def test_post_too_many_aliases_is_400(client: httpx.AsyncClient) -> None:
    query = "{ " + " ".join(f"a{n}: __typename" for n in range(31)) + " }"

    response = await post(client, {"query": query})

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_post_too_many_tokens_is_400(client: httpx.AsyncClient) -> None:
    query = "{ " + " ".join(["__typename"] * 5001) + " }"

    response = await post(client, {"query": query})

    assert response.status_code == 400
    assert "tokens" in response.json()["errors"][0]["message"]


async def test_post_repeated_query_hits_validation_cache(client: httpx.AsyncClient) -> None:
    # given
    cache = _get_validate_cache(CACHE_SIZE)
    body = {"query": '{ cached: hello(name: "c") }'}
    await post(client, body)
    hits = cache.cache_info().hits

    # when
    await post(client, body)

    # then
    assert cache.cache_info().hits == hits + 1


async def test_post_oversized_body_is_413(client: httpx.AsyncClient) -> None:
    body = {"query": HELLO, "variables": {"pad": "x" * 1_000_001}}

    response = await post(client, body)

    assert response.status_code == 413


async def test_get_from_browser_serves_graphiql(client: httpx.AsyncClient) -> None:
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

    response = await client.get(PATH, headers={"accept": accept})

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "graphiql" in response.text.lower()
    assert "content-security-policy" in response.headers


async def test_get_without_query_from_api_client_is_400(client: httpx.AsyncClient) -> None:
    response = await client.get(PATH, headers={"accept": "application/json"})

    assert response.status_code == 400
