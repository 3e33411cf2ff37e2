"""Apollo's automatic persisted queries and the allow-list mode, through the live server."""

from __future__ import annotations

from pathlib import Path

import pytest

from datastore.kit.settings import ConfigurationError
from server.graphql.allowlist import load_manifest
from server.graphql.persisted_queries import KEY_PREFIX
from tests.support.client import GraphQLClient, error_codes
from tests.support.persisted_queries import (
    GRAPHQL_RESPONSE_JSON,
    JSON,
    fresh_query,
    get_persisted,
    post_persisted,
    sha256,
    write_manifest,
)
from tests.support.ws import TRANSPORT_WS, WebSocketClient

ME = "query Me { me { id } }"
UPDATE_PROFILE = (
    "mutation Rename($name: String!) { updateProfile(input: {displayName: $name}) { displayName } }"
)
INTROSPECTION = "query Types { __schema { queryType { name } } }"


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE_JSON, JSON])
async def test_unknown_hash_alone_is_persisted_query_not_found_with_200(
    client: GraphQLClient, accept: str
) -> None:
    # when
    response = await post_persisted(client, sha256(fresh_query()), accept=accept)
    # then: 200 whatever the media type, so every Apollo link retries with the query
    assert response.status_code == 200
    body = response.json()
    assert body["errors"][0]["message"] == "PersistedQueryNotFound"
    assert error_codes(body) == ["PERSISTED_QUERY_NOT_FOUND"]
    assert "data" not in body


async def test_query_with_its_hash_is_stored_then_served_by_hash_over_get_and_post(
    client: GraphQLClient, server
) -> None:
    # given
    account = await client.sign_up()
    query = fresh_query("me { id }")
    digest = sha256(query)
    # when
    first = await post_persisted(client, digest, query, token=account.token)
    by_get = await get_persisted(client, digest, token=account.token)
    by_post = await post_persisted(client, digest, token=account.token)
    # then
    expected = {"data": {"me": {"id": account.user_id}}}
    assert [first.json(), by_get.json(), by_post.json()] == [expected] * 3
    redis = server.services.clients.redis
    assert await redis.get(KEY_PREFIX + digest) == query.encode()
    ttl = await redis.ttl(KEY_PREFIX + digest)
    assert 0 < ttl <= server.services.clients.settings.persisted_queries_ttl_seconds


async def test_a_hash_that_does_not_match_its_query_is_bad_user_input_and_not_stored(
    client: GraphQLClient, server
) -> None:
    # given
    query, other = fresh_query(), fresh_query()
    # when
    response = await post_persisted(client, sha256(other), query)
    # then
    assert response.status_code == 400
    body = response.json()
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["message"] == "provided sha does not match query"
    assert await server.services.clients.redis.exists(KEY_PREFIX + sha256(other)) == 0


@pytest.mark.parametrize(
    "extension",
    [
        {"version": 2, "sha256Hash": "0" * 64},
        {"version": 1, "sha256Hash": "not-a-hash"},
        {"version": 1},
        "v1",
    ],
)
async def test_a_malformed_persisted_query_extension_is_bad_user_input(
    client: GraphQLClient, extension: object
) -> None:
    # when
    response = await client.http.post(
        "/graphql",
        json={"extensions": {"persistedQuery": extension}},
        headers={"accept": GRAPHQL_RESPONSE_JSON},
    )
    # then
    assert response.status_code == 400
    assert error_codes(response.json()) == ["BAD_USER_INPUT"]


async def test_an_invalid_document_runs_into_its_error_and_is_not_stored(
    client: GraphQLClient, server
) -> None:
    # given
    query = fresh_query("noSuchField")
    # when
    response = await post_persisted(client, sha256(query), query)
    # then
    assert response.status_code == 400
    assert error_codes(response.json()) == ["BAD_USER_INPUT"]
    assert await server.services.clients.redis.exists(KEY_PREFIX + sha256(query)) == 0


async def test_a_document_over_the_size_bound_runs_but_is_not_stored(
    client: GraphQLClient, server
) -> None:
    # given: a document just over the bound (padding is ignored whitespace)
    settings = server.services.clients.settings
    query = fresh_query() + " " * settings.persisted_queries_max_bytes
    # when
    response = await post_persisted(client, sha256(query), query)
    # then
    assert response.json() == {"data": {"__typename": "Query"}}
    assert await server.services.clients.redis.exists(KEY_PREFIX + sha256(query)) == 0


async def test_a_stored_mutation_is_not_run_over_get(client: GraphQLClient) -> None:
    # given: a mutation stored by a POST
    account = await client.sign_up()
    digest = sha256(UPDATE_PROFILE)
    stored = await post_persisted(
        client, digest, UPDATE_PROFILE, token=account.token, variables={"name": "Ada"}
    )
    assert stored.json() == {"data": {"updateProfile": {"displayName": "Ada"}}}
    # when
    by_get = await get_persisted(client, digest, token=account.token, variables={"name": "Eve"})
    by_post = await post_persisted(client, digest, token=account.token, variables={"name": "Bo"})
    # then
    assert by_get.status_code == 405
    assert by_get.headers["allow"] == "POST"
    assert by_post.json() == {"data": {"updateProfile": {"displayName": "Bo"}}}


async def test_off_mode_answers_a_hash_alone_with_not_supported_and_runs_full_queries(
    client: GraphQLClient, persisted_queries
) -> None:
    # given
    persisted_queries("off")
    query = fresh_query()
    # when
    hash_only = await post_persisted(client, sha256(query))
    with_query = await post_persisted(client, sha256(query), query)
    # then
    assert hash_only.status_code == 200
    assert hash_only.json()["errors"][0]["message"] == "PersistedQueryNotSupported"
    assert error_codes(hash_only.json()) == ["PERSISTED_QUERY_NOT_SUPPORTED"]
    assert with_query.json() == {"data": {"__typename": "Query"}}


async def test_allowlist_mode_runs_only_the_manifest_documents(
    client: GraphQLClient, persisted_queries, tmp_path: Path
) -> None:
    # given
    account = await client.sign_up()
    persisted_queries("allowlist", write_manifest(tmp_path / "manifest.json", ME))
    listed = {"data": {"me": {"id": account.user_id}}}
    # when
    by_hash = await post_persisted(client, sha256(ME), token=account.token)
    by_get = await get_persisted(client, sha256(ME), token=account.token)
    full_listed = await client.post(ME, token=account.token)
    full_unlisted = await client.post("query { me { id username } }", token=account.token)
    unknown_hash = await post_persisted(client, sha256(fresh_query()), token=account.token)
    # then
    assert [by_hash.json(), by_get.json(), full_listed.json()] == [listed] * 3
    for refused in (full_unlisted, unknown_hash):
        assert refused.status_code == 400
        assert error_codes(refused.json()) == ["PERSISTED_QUERY_NOT_ALLOWED"]
        assert "data" not in refused.json()


async def test_allowlist_mode_leaves_introspection_to_the_introspection_setting(
    client: GraphQLClient, persisted_queries, introspection, tmp_path: Path
) -> None:
    # given
    persisted_queries("allowlist", write_manifest(tmp_path / "manifest.json", ME))
    # when
    introspection("public")
    opened = await client.execute(INTROSPECTION)
    introspection("off")
    closed = await client.execute(INTROSPECTION)
    mixed = await client.execute("query { __schema { queryType { name } } me { id } }")
    # then
    assert opened == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
    assert error_codes(closed) == ["FORBIDDEN"]
    assert error_codes(mixed) == ["PERSISTED_QUERY_NOT_ALLOWED"]


async def test_allowlist_mode_holds_over_websockets(
    client: GraphQLClient, server, persisted_queries, tmp_path: Path
) -> None:
    # given
    account = await client.sign_up()
    persisted_queries("allowlist", write_manifest(tmp_path / "manifest.json", ME))
    async with WebSocketClient(server.ws_url, TRANSPORT_WS) as ws:
        await ws.init({"token": account.token})
        # when
        await ws.subscribe("listed", ME)
        listed = await ws.receive()
        assert await ws.receive() == {"id": "listed", "type": "complete"}
        await ws.subscribe("unlisted", "subscription { sessionEvents { kind } }")
        unlisted = await ws.receive()
    # then
    assert listed["payload"] == {"data": {"me": {"id": account.user_id}}}
    assert unlisted["type"] == "error"
    assert [e["extensions"]["code"] for e in unlisted["payload"]] == ["PERSISTED_QUERY_NOT_ALLOWED"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{", "is not valid JSON"),
        ('{"format": "relay", "version": 1, "operations": []}', "is not an apollo"),
        (
            '{"format": "apollo-persisted-query-manifest", "version": 1,'
            ' "operations": [{"id": "abc", "body": "{ me { id } }"}]}',
            "id is not its body's sha256",
        ),
    ],
)
def test_a_bad_manifest_is_a_configuration_error(tmp_path: Path, content: str, reason: str) -> None:
    # given
    path = tmp_path / "manifest.json"
    path.write_text(content)
    # when
    with pytest.raises(ConfigurationError) as raised:
        load_manifest(str(path))
    # then
    assert reason in str(raised.value)
    assert "PERSISTED_QUERIES_MANIFEST" in str(raised.value)


async def test_one_address_stores_only_its_hourly_budget_of_new_documents(
    client: GraphQLClient, server
) -> None:
    # given: a budget of two new documents an hour per client address
    settings = server.services.clients.settings
    saved, settings.persisted_queries_stores_per_address = (
        settings.persisted_queries_stores_per_address,
        2,
    )
    queries = [fresh_query() for _ in range(3)]
    try:
        # when: this client's address registers three
        ran = [(await post_persisted(client, sha256(q), q)).json() for q in queries]
        served = [(await post_persisted(client, sha256(q))).json() for q in queries]
    finally:
        settings.persisted_queries_stores_per_address = saved
    # then: all three ran; only the first two are kept
    assert all("errors" not in body for body in ran), ran
    assert ["errors" not in body for body in served] == [True, True, False]
    assert error_codes(served[2]) == ["PERSISTED_QUERY_NOT_FOUND"]
