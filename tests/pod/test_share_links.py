"""Share links: a token shown once (only its hash stored) opens a read-only view signed
out, over GraphQL and at /s/<token>; uses are counted; revoked, expired, used-up and
forged tokens all look unknown; openings are rate-limited per address."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from tests.support.client import GraphQLClient, error_codes
from tests.support.ids import raw_id
from tests.support.pod import create_entry
from tests.support.sharing import (
    ACTIVITY,
    CREATE_LINK,
    ENTRY_SHARES,
    REVOKE_LINK,
    SHARED_ENTRY,
    later,
)


async def _link(client: GraphQLClient, owner, entry_id: str, **variables) -> dict:
    variables.setdefault("x", later(days=1))
    data = await client.data(CREATE_LINK, {"e": entry_id, **variables}, token=owner.token)
    return data["createShareLink"]


async def test_a_link_works_signed_out_until_it_expires(client: GraphQLClient, server) -> None:
    # given
    owner = await client.sign_up()
    note = await create_entry(client, owner, title="Party address", body="12 Elm St")
    other = await create_entry(client, owner, title="Other note")
    created = await _link(client, owner, note["id"], x=later(seconds=3))
    token = created["token"]
    assert created["path"] == f"/s/{token}" and token.startswith("ppl_")

    # when: opened without signing in
    body = await client.execute(SHARED_ENTRY, {"t": token})

    # then: the entry, read-only, and nothing else of the owner's
    view = body["data"]["sharedEntry"]
    assert (view["kind"], view["title"], view["body"]) == ("NOTE", "Party address", "12 Elm St")
    assert "Other note" not in str(body) and other["id"] not in str(body)
    assert note["id"] not in str(body) and owner.user_id not in str(body)
    # the owner sees the use and when
    shares = (await client.data(ENTRY_SHARES, {"id": note["id"]}, token=owner.token))["entry"]
    link = shares["shareLinks"]["edges"][0]["node"]
    assert link["useCount"] == 1 and link["lastAccessedAt"] and link["active"]
    log = (await client.data(ACTIVITY, {"e": note["id"]}, token=owner.token))["activity"]
    assert [e["node"]["action"] for e in log["edges"]][:2] == ["LINK_OPENED", "LINK_CREATED"]
    # only the token's hash is stored
    async with server.services.clients.db() as db:
        stored = (
            await db.execute(
                text("SELECT * FROM share_links WHERE id = :id"),
                {"id": raw_id(created["link"]["id"])},
            )
        ).one()
    assert token not in str(stored) and token.encode() not in stored.token_hash

    # when: its time runs out
    await asyncio.sleep(3.2)

    # then: it answers like an unknown token, counting no use
    assert error_codes(await client.execute(SHARED_ENTRY, {"t": token})) == ["NOT_FOUND"]
    response = await client.http.get(f"/s/{token}")
    assert response.status_code == 404


async def test_the_link_page_is_escaped_uncached_and_leaks_no_referrer(
    client: GraphQLClient,
) -> None:
    # given: an entry whose texts are markup
    owner = await client.sign_up()
    note = await create_entry(
        client, owner, title="<script>alert(1)</script>", body='<img src=x onerror="alert(2)">'
    )
    created = await _link(client, owner, note["id"])
    # when
    response = await client.http.get(created["path"])
    # then
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<script>" not in response.text and "<img" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert "unsafe-inline" not in csp


async def test_revoked_used_up_and_forged_links_are_all_not_found(
    client: GraphQLClient,
) -> None:
    # given
    owner = await client.sign_up()
    note = await create_entry(client, owner, title="Once")
    once = await _link(client, owner, note["id"], m=1)
    revoked = await _link(client, owner, note["id"])
    assert (await client.data(SHARED_ENTRY, {"t": once["token"]}))["sharedEntry"]
    await client.data(REVOKE_LINK, {"id": revoked["link"]["id"]}, token=owner.token)
    forged = "ppl_" + "A" * 43
    # when
    answers = [
        await client.execute(SHARED_ENTRY, {"t": token})
        for token in (once["token"], revoked["token"], forged, "nonsense", "x" * 5000)
    ]
    # then: one answer, the same for every cause
    assert [error_codes(a) for a in answers] == [["NOT_FOUND"]] * 5
    assert len({a["errors"][0]["message"] for a in answers}) == 1
    pages = [await client.http.get(f"/s/{t}") for t in (once["token"], revoked["token"], forged)]
    assert [p.status_code for p in pages] == [404] * 3
    assert len({p.text for p in pages}) == 1
    # a used-up link counted its one use only
    links = (await client.data(ENTRY_SHARES, {"id": note["id"]}, token=owner.token))["entry"]
    counts = {e["node"]["id"]: e["node"]["useCount"] for e in links["shareLinks"]["edges"]}
    assert counts == {once["link"]["id"]: 1}


async def test_a_link_shows_a_secret_only_when_made_with_it(client: GraphQLClient) -> None:
    owner = await client.sign_up()
    password = await create_entry(
        client, owner, kind="PASSWORD", title="Locker", password={"secret": "4321"}
    )
    plain = await _link(client, owner, password["id"])
    with_secret = await _link(client, owner, password["id"], s=True)
    view = (await client.data(SHARED_ENTRY, {"t": plain["token"]}))["sharedEntry"]
    assert view["secret"] is None and "4321" not in (await client.http.get(plain["path"])).text
    view = (await client.data(SHARED_ENTRY, {"t": with_secret["token"]}))["sharedEntry"]
    assert view["secret"] == {"password": "4321"}


async def test_bad_links_get_a_clear_error_and_change_nothing(client: GraphQLClient) -> None:
    owner, stranger = await client.sign_up(), await client.sign_up()
    note = await create_entry(client, owner, title="Mine")
    cases = [
        (owner, {"e": note["id"], "x": later(seconds=-1)}, "BAD_USER_INPUT", "expiresAt"),
        (owner, {"e": note["id"], "x": later(days=1), "m": 0}, "BAD_USER_INPUT", "maxUses"),
        (stranger, {"e": note["id"], "x": later(days=1)}, "NOT_FOUND", "entryId"),
    ]
    for account, variables, code, field in cases:
        body = await client.execute(CREATE_LINK, variables, token=account.token)
        assert error_codes(body) == [code], body
        assert body["errors"][0]["extensions"]["field"] == field
    links = (await client.data(ENTRY_SHARES, {"id": note["id"]}, token=owner.token))["entry"]
    assert links["shareLinks"]["edges"] == []
    # another user cannot revoke my link
    created = await _link(client, owner, note["id"])
    body = await client.execute(REVOKE_LINK, {"id": created["link"]["id"]}, token=stranger.token)
    assert error_codes(body) == ["NOT_FOUND"]
    assert (await client.data(SHARED_ENTRY, {"t": created["token"]}))["sharedEntry"]


async def test_opening_links_is_rate_limited_per_address(client: GraphQLClient, server) -> None:
    # given: one address guessing tokens
    limit = server.services.clients.settings.pod.link_opens_per_address
    owner = await client.sign_up()
    note = await create_entry(client, owner, title="Guarded")
    created = await _link(client, owner, note["id"])
    async with GraphQLClient(server.url) as guesser:
        for n in range(limit):
            body = await guesser.execute(SHARED_ENTRY, {"t": f"ppl_{n:043d}"})
            assert error_codes(body) == ["NOT_FOUND"]
        # when: one more, even with the right token
        body = await guesser.execute(SHARED_ENTRY, {"t": created["token"]})
        page = await guesser.http.get(created["path"])
    # then
    assert error_codes(body) == ["RATE_LIMITED"]
    assert page.status_code == 429 and page.headers["retry-after"]
    # another address is not held up
    assert (await client.data(SHARED_ENTRY, {"t": created["token"]}))["sharedEntry"]
