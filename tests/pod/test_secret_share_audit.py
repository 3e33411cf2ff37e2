"""Sharing an entry's secret takes the explicit flag and is recorded in the owner's signed
security audit log: SECRET_SHARED for each share or link made (or turned) to carry it,
SHARE_REVOKED when one ends; shares without it record nothing there. Messages carry ids,
never titles, secrets or people; nobody else's log shows them; the chain still verifies."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.support.cli import personalpod
from tests.support.client import Account, GraphQLClient
from tests.support.ids import raw_id
from tests.support.people import BLOCK, befriend, person_id
from tests.support.pod import create_entry
from tests.support.security_log import events
from tests.support.sharing import (
    CREATE_LINK,
    READ,
    REVOKE,
    REVOKE_LINK,
    friends,
    later,
    share,
)
from tests.support.wait import eventually

SET_SECRET = """
mutation($id: ID!, $s: Boolean!) { updateShare(id: $id, includeSecret: $s) { includeSecret } }
"""


async def sharing_events(client: GraphQLClient, account: Account) -> list[dict[str, Any]]:
    """The account's SHARING events, oldest first."""
    mine = await events(client, account)
    return [e for e in reversed(mine) if e["category"] == "SHARING"]


async def _password(client: GraphQLClient, owner: Account) -> dict[str, Any]:
    return await create_entry(
        client, owner, kind="PASSWORD", title="Bank login", password={"secret": "s3cr3t-pin"}
    )


async def _shared_password(
    client: GraphQLClient, **variables: Any
) -> tuple[Account, Account, dict[str, Any], dict[str, Any]]:
    """A friend, and the owner's password shared READ with them: (owner, friend, entry, share)."""
    owner, friend = await friends(client)
    password = await _password(client, owner)
    return owner, friend, password, await share(client, owner, password["id"], friend, **variables)


async def test_each_grant_and_end_of_a_secret_is_in_the_owners_security_log(
    client: GraphQLClient,
) -> None:
    # given: a password, shared without its secret
    owner, friend, password, made = await _shared_password(client)
    assert await sharing_events(client, owner) == []

    # when: the secret is turned on, off, on again; then a link with it, and both end
    for on in (True, False, True):
        await client.data(SET_SECRET, {"id": made["id"], "s": on}, token=owner.token)
    link = await client.data(
        CREATE_LINK, {"e": password["id"], "x": later(days=1), "s": True}, token=owner.token
    )
    link_id = link["createShareLink"]["link"]["id"]
    await client.data(REVOKE_LINK, {"id": link_id}, token=owner.token)
    await client.data(REVOKE, {"id": made["id"]}, token=owner.token)

    # then: six events of the owner, each naming the share or the link
    logged = await sharing_events(client, owner)
    assert [(e["type"], e["severity"], e["success"]) for e in logged] == [
        ("SECRET_SHARED", "WARNING", True),
        ("SHARE_REVOKED", "INFO", True),
        ("SECRET_SHARED", "WARNING", True),
        ("SECRET_SHARED", "WARNING", True),
        ("SHARE_REVOKED", "INFO", True),
        ("SHARE_REVOKED", "INFO", True),
    ]
    share_id, entry_id = raw_id(made["id"]), raw_id(password["id"])
    assert all(entry_id in e["message"] and "PASSWORD" in e["message"] for e in logged)
    assert [share_id in e["message"] for e in logged] == [True, True, True, False, False, True]
    assert raw_id(link_id) in logged[3]["message"] and raw_id(link_id) in logged[4]["message"]
    text = str(logged)
    for private in ("Bank login", "s3cr3t-pin", friend.username, friend.uuid, owner.uuid):
        assert private not in text
    # and nothing of it is in the friend's log
    assert await sharing_events(client, friend) == []


async def test_sharing_with_the_secret_at_once_is_recorded_and_reads_it(
    client: GraphQLClient,
) -> None:
    # given / when
    owner, friend, password, made = await _shared_password(client, s=True)
    # then
    read = (await client.data(READ, {"id": password["id"]}, token=friend.token))["entry"]
    assert read["secret"] == {"password": "s3cr3t-pin"}
    logged = await sharing_events(client, owner)
    assert [e["type"] for e in logged] == ["SECRET_SHARED"]
    assert f"share {raw_id(made['id'])} (READ)" in logged[0]["message"]


async def test_an_admin_sharer_sharing_the_secret_further_is_in_the_owners_log(
    client: GraphQLClient,
) -> None:
    # given: an ADMIN sharer who may read the secret, and their friend
    owner, admin = await friends(client)
    reader = await client.sign_up()
    await befriend(client, admin, reader)
    password = await _password(client, owner)
    await share(client, owner, password["id"], admin, "ADMIN", s=True)
    # when: the ADMIN shares it further with the secret, and the reader leaves the share
    further = await share(client, admin, password["id"], reader, s=True)
    await client.data(REVOKE, {"id": further["id"]}, token=reader.token)
    # then: both in the owner's log, saying who did it without naming them
    logged = await sharing_events(client, owner)
    assert [e["type"] for e in logged] == ["SECRET_SHARED", "SECRET_SHARED", "SHARE_REVOKED"]
    assert "(by a person it is shared with)" in logged[1]["message"]
    assert "(by a person it is shared with)" in logged[2]["message"]
    assert admin.username not in str(logged) and reader.username not in str(logged)
    assert await sharing_events(client, admin) == []
    assert await sharing_events(client, reader) == []


async def test_shares_without_the_secret_record_no_security_event(
    client: GraphQLClient,
) -> None:
    owner, _friend, password, made = await _shared_password(client)
    link = await client.data(
        CREATE_LINK, {"e": password["id"], "x": later(days=1)}, token=owner.token
    )
    await client.data(REVOKE_LINK, {"id": link["createShareLink"]["link"]["id"]}, token=owner.token)
    await client.data(REVOKE, {"id": made["id"]}, token=owner.token)
    assert await sharing_events(client, owner) == []


async def test_a_block_ending_a_secret_share_is_recorded(client: GraphQLClient) -> None:
    # given
    owner, friend, _password_entry, _made = await _shared_password(client, s=True)
    # when: the friend blocks the owner (the relay's sink ends the share)
    await client.data(BLOCK, {"id": person_id(owner)}, token=friend.token)

    # then
    async def recorded() -> bool:
        logged = await sharing_events(client, owner)
        return [e["type"] for e in logged] == ["SECRET_SHARED", "SHARE_REVOKED"]

    await eventually(recorded, timeout=30, interval=0.2)
    logged = await sharing_events(client, owner)
    assert "(ended by a block)" in logged[1]["message"]


async def test_the_chain_verifies_after_sharing_secrets(
    client: GraphQLClient, service_env: dict[str, str]
) -> None:
    # given
    owner, _friend, _entry, made = await _shared_password(client, s=True)
    await client.data(REVOKE, {"id": made["id"]}, token=owner.token)
    # when
    result = await asyncio.to_thread(personalpod, "verify-audit", env=service_env)
    # then
    assert result.returncode == 0, result.stderr
    assert "verified" in result.stdout
