"""Devices: listing, paging, revoking; bad and expired tokens."""

from __future__ import annotations

import asyncio
import time

from datastore.kit.dynamo_codec import to_item
from tests.support.client import GraphQLClient, error_codes

SIGN_IN = """
mutation($input: SignInInput!) { signIn(input: $input) { token session { id } } }
"""
SESSIONS = """
query($first: Int, $after: String) {
  sessions(first: $first, after: $after) {
    edges { cursor node { id deviceName userAgent ip current createdAt lastActiveAt } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
REVOKE = "mutation($id: ID!) { revokeSession(id: $id) }"
ME = "query { me { id } }"


async def sign_in(client: GraphQLClient, account, device: str) -> dict:
    data = await client.data(
        SIGN_IN,
        {"input": {"login": account.email, "password": account.password, "deviceName": device}},
    )
    return data["signIn"]


async def test_sessions_lists_my_devices_newest_first_in_pages(client: GraphQLClient) -> None:
    # given
    account = await client.sign_up(device_name="phone")
    for device in ("tablet", "laptop"):
        await sign_in(client, account, device)
    # when
    first = (await client.data(SESSIONS, {"first": 2}, token=account.token))["sessions"]
    rest = (
        await client.data(
            SESSIONS, {"first": 2, "after": first["pageInfo"]["endCursor"]}, token=account.token
        )
    )["sessions"]
    # then
    names = [e["node"]["deviceName"] for e in first["edges"] + rest["edges"]]
    assert names == ["laptop", "tablet", "phone"]
    assert first["pageInfo"]["hasNextPage"] is True
    assert rest["pageInfo"]["hasNextPage"] is False
    current = [
        e["node"]["deviceName"] for e in first["edges"] + rest["edges"] if e["node"]["current"]
    ]
    assert current == ["phone"]
    assert rest["edges"][0]["node"]["ip"] == client.address


async def test_sessions_never_shows_another_users_devices(client: GraphQLClient) -> None:
    # given
    mine, theirs = await client.sign_up(), await client.sign_up()
    # when
    edges = (await client.data(SESSIONS, token=mine.token))["sessions"]["edges"]
    # then
    assert [e["node"]["id"] for e in edges] == [mine.session_id]
    assert theirs.session_id not in str(edges)


async def test_cursor_of_another_user_is_bad_input(client: GraphQLClient) -> None:
    # given
    mine, theirs = await client.sign_up(), await client.sign_up()
    await sign_in(client, theirs, "second")
    page = (await client.data(SESSIONS, {"first": 1}, token=theirs.token))["sessions"]
    # when
    body = await client.execute(
        SESSIONS, {"first": 1, "after": page["pageInfo"]["endCursor"]}, token=mine.token
    )
    # then
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "after"


async def test_page_size_out_of_range_is_bad_input(client: GraphQLClient) -> None:
    account = await client.sign_up()
    for first in (0, 101):
        body = await client.execute(SESSIONS, {"first": first}, token=account.token)
        assert error_codes(body) == ["BAD_USER_INPUT"]
        assert body["errors"][0]["extensions"]["field"] == "first"


async def test_revoked_session_token_is_unauthenticated(client: GraphQLClient) -> None:
    # given
    account = await client.sign_up()
    other = await sign_in(client, account, "old phone")
    # when
    result = await client.data(REVOKE, {"id": other["session"]["id"]}, token=account.token)
    # then
    assert result == {"revokeSession": True}
    body = await client.execute(ME, token=other["token"])
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert (await client.data(ME, token=account.token))["me"]["id"] == account.user_id


async def test_concurrent_requests_each_get_their_own_viewer_and_a_revoked_token_stays_out(
    client: GraphQLClient,
) -> None:
    # given: five users, one of them with a second, revoked session; their token checks
    # and viewer reads share round trips when they arrive together
    accounts = [await client.sign_up() for _ in range(5)]
    revoked = await sign_in(client, accounts[0], "stolen phone")
    await client.data(REVOKE, {"id": revoked["session"]["id"]}, token=accounts[0].token)
    tokens = [account.token for account in accounts] * 4 + [revoked["token"]] * 2

    # when: all at once
    bodies = await asyncio.gather(*(client.execute(ME, token=token) for token in tokens))

    # then: every answer is its own caller's, and the revoked token is refused each time
    for token, body in zip(tokens, bodies, strict=True):
        if token == revoked["token"]:
            assert error_codes(body) == ["UNAUTHENTICATED"]
        else:
            [owner] = [a for a in accounts if a.token == token]
            assert body == {"data": {"me": {"id": owner.user_id}}}


async def test_revoking_another_users_session_is_not_found_and_changes_nothing(
    client: GraphQLClient,
) -> None:
    # given
    mine, theirs = await client.sign_up(), await client.sign_up()
    # when
    body = await client.execute(REVOKE, {"id": theirs.session_id}, token=mine.token)
    # then
    assert error_codes(body) == ["NOT_FOUND"]
    assert (await client.data(ME, token=theirs.token))["me"]["id"] == theirs.user_id


async def test_revoke_with_a_user_id_is_bad_input(client: GraphQLClient) -> None:
    account = await client.sign_up()
    body = await client.execute(REVOKE, {"id": account.user_id}, token=account.token)
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_malformed_and_forged_tokens_are_unauthenticated(client: GraphQLClient) -> None:
    # given
    account = await client.sign_up()
    session_part, secret_part = account.token.split(".")
    forged = f"{session_part}.{'A' * len(secret_part)}"
    # when / then
    for token in ("garbage", forged, account.token[:-1]):
        body = await client.execute(ME, token=token)
        assert error_codes(body) == ["UNAUTHENTICATED"], token
        assert body["data"] is None


async def test_no_token_is_unauthenticated(client: GraphQLClient) -> None:
    body = await client.execute(ME)
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert body["errors"][0]["path"] == ["me"]


async def test_expired_session_is_unauthenticated(client: GraphQLClient, server) -> None:
    # given: a session whose TTL has passed but which DynamoDB has not deleted yet
    account = await client.sign_up()
    session_id = account.token.removeprefix("pps_").split(".")[0]
    dynamo = server.services.clients.dynamo
    await dynamo.client.update_item(
        TableName=dynamo.table("sessions"),
        Key={"id": {"S": session_id}},
        UpdateExpression="SET expires_at = :t",
        ExpressionAttributeValues={":t": to_item({"t": int(time.time()) - 1})["t"]},
    )
    await server.services.clients.redis.delete(f"session:{session_id}")
    # when
    body = await client.execute(ME, token=account.token)
    # then
    assert error_codes(body) == ["UNAUTHENTICATED"]
    listed = await client.execute(SESSIONS, token=account.token)
    assert error_codes(listed) == ["UNAUTHENTICATED"]
