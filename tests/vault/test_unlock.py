"""Registering and unlocking secret tags over OPAQUE, and every way a step can be wrong."""

from __future__ import annotations

import secrets

from sqlalchemy import text

from tests.support.client import GraphQLClient, error_codes
from tests.support.ids import raw_id
from tests.support.vault import (
    LOGIN_FINISH,
    REGISTER_START,
    SECRET_TAGS,
    b64url,
    finalization,
    login_start,
    register_tag,
    second_device,
    unlock,
)


async def _pending_steps(server, user_uuid: str) -> int:
    async with server.services.clients.db() as session:
        found = await session.execute(
            text("SELECT count(*) FROM opaque_sessions WHERE user_id::text = :u"), {"u": user_uuid}
        )
        return found.scalar_one()


async def test_register_then_unlock_opens_a_vault_with_every_key(client: GraphQLClient) -> None:
    # given
    account = await client.sign_up()
    tag = await register_tag(client, account, name="Dreams")
    # when
    unlocked = (await unlock(client, account, tag))["secretTagLoginFinish"]
    # then
    assert unlocked["secretTag"]["id"] == tag.id
    assert unlocked["vaultSession"]["current"] is True
    assert [e["node"]["version"] for e in unlocked["keys"]["edges"]] == [1]
    listed = await client.data(SECRET_TAGS, token=account.token)
    assert [e["node"]["name"] for e in listed["secretTags"]["edges"]] == ["Dreams"]


async def test_finish_replayed_is_not_found_and_opens_nothing(
    client: GraphQLClient, server
) -> None:
    account = await client.sign_up()
    tag = await register_tag(client, account)
    body, start = await login_start(client, account, tag)
    started = body["data"]["secretTagLoginStart"]
    variables = {
        "input": {"loginId": started["id"], "finishLoginRequest": finalization(tag, start, started)}
    }
    assert "errors" not in await client.execute(LOGIN_FINISH, variables, token=account.token)
    # when: the same message again
    replay = await client.execute(LOGIN_FINISH, variables, token=account.token)
    # then
    assert error_codes(replay) == ["NOT_FOUND"]
    assert replay["errors"][0]["extensions"]["field"] == "loginId"
    assert await _pending_steps(server, account.uuid) == 0


async def test_finish_from_another_account_or_device_is_not_found(
    client: GraphQLClient, server
) -> None:
    owner = await client.sign_up()
    other = await client.sign_up()
    tag = await register_tag(client, owner)
    body, start = await login_start(client, owner, tag)
    started = body["data"]["secretTagLoginStart"]
    variables = {
        "input": {"loginId": started["id"], "finishLoginRequest": finalization(tag, start, started)}
    }
    laptop = await second_device(client, owner)
    # when: another account, then the owner's other device session
    stranger = await client.execute(LOGIN_FINISH, variables, token=other.token)
    elsewhere = await client.execute(LOGIN_FINISH, variables, token=laptop.token)
    # then
    assert error_codes(stranger) == ["NOT_FOUND"]
    assert error_codes(elsewhere) == ["NOT_FOUND"]
    # the owner's own finish still works: nothing was consumed by the others
    assert "errors" not in await client.execute(LOGIN_FINISH, variables, token=owner.token)


async def test_expired_step_is_refused_and_consumed(client: GraphQLClient, server) -> None:
    account = await client.sign_up()
    tag = await register_tag(client, account)
    body, start = await login_start(client, account, tag)
    started = body["data"]["secretTagLoginStart"]
    async with server.services.clients.db() as session, session.begin():
        await session.execute(
            text(
                "UPDATE opaque_sessions SET expires_at = now() - interval '1 second' WHERE id = :id"
            ),
            {"id": started["id"]},
        )
    variables = {
        "input": {"loginId": started["id"], "finishLoginRequest": finalization(tag, start, started)}
    }
    expired = await client.execute(LOGIN_FINISH, variables, token=account.token)
    assert error_codes(expired) == ["BAD_USER_INPUT"]
    assert "expired" in expired["errors"][0]["message"]
    assert await _pending_steps(server, account.uuid) == 0


async def test_wrong_proof_is_bad_user_input_and_opens_nothing(
    client: GraphQLClient, server
) -> None:
    account = await client.sign_up()
    tag = await register_tag(client, account)
    body, _ = await login_start(client, account, tag)
    started = body["data"]["secretTagLoginStart"]
    wrong = b64url(secrets.token_bytes(64))
    answer = await client.execute(
        LOGIN_FINISH,
        {"input": {"loginId": started["id"], "finishLoginRequest": wrong}},
        token=account.token,
    )
    assert error_codes(answer) == ["BAD_USER_INPUT"]
    assert answer["errors"][0]["extensions"]["field"] == "finishLoginRequest"
    async with server.services.clients.db() as session:
        opened = await session.execute(
            text("SELECT count(*) FROM vault_sessions WHERE tag_id::text = :t"),
            {"t": raw_id(tag.id)},
        )
    # registration opened one; the wrong proof none
    assert opened.scalar_one() == 1


async def test_garbage_bytes_are_bad_user_input_naming_the_field(client: GraphQLClient) -> None:
    account = await client.sign_up()
    for request, field in (
        ("%%%not base64", "registrationRequest"),
        (b64url(b"\x00" * 7), "registrationRequest"),
    ):
        body = await client.execute(
            REGISTER_START, {"input": {"registrationRequest": request}}, token=account.token
        )
        assert error_codes(body) == ["BAD_USER_INPUT"], body
        assert body["errors"][0]["extensions"]["field"] == field
    listed = await client.data(SECRET_TAGS, token=account.token)
    assert listed["secretTags"]["edges"] == []


async def test_unlock_keys_page_and_refuse_bad_paging(client: GraphQLClient) -> None:
    # given
    account = await client.sign_up()
    tag = await register_tag(client, account)
    query = LOGIN_FINISH.replace(
        "keys { edges { node { version wrappedKey } } }",
        "keys(first: $first, after: $after) { edges { node { version } } "
        "pageInfo { hasNextPage } }",
    ).replace(
        "($input: SecretTagLoginFinishInput!)",
        "($input: SecretTagLoginFinishInput!, $first: Int, $after: String)",
    )
    for paging, code in (
        ({"first": 0}, "BAD_USER_INPUT"),
        ({"after": "bm9wZQ=="}, "BAD_USER_INPUT"),
    ):
        body, start = await login_start(client, account, tag)
        started = body["data"]["secretTagLoginStart"]
        variables = {
            "input": {
                "loginId": started["id"],
                "finishLoginRequest": finalization(tag, start, started),
            },
            **paging,
        }
        # when
        answer = await client.execute(query, variables, token=account.token)
        # then
        assert error_codes(answer) == [code], answer
        assert "INTERNAL" not in str(answer)
    body, start = await login_start(client, account, tag)
    started = body["data"]["secretTagLoginStart"]
    variables = {
        "input": {
            "loginId": started["id"],
            "finishLoginRequest": finalization(tag, start, started),
        },
        "first": 1,
    }
    keys = (await client.data(query, variables, token=account.token))["secretTagLoginFinish"][
        "keys"
    ]
    assert keys == {"edges": [{"node": {"version": 1}}], "pageInfo": {"hasNextPage": False}}
