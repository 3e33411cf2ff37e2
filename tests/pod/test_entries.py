"""Entries of every kind: create, read, validate, versioned update."""

from __future__ import annotations

import pytest

from tests.support.client import GraphQLClient, error_codes
from tests.support.ids import global_id, raw_id
from tests.support.pod import ENTRY, UPDATE_ENTRY, create_entry, create_tag


async def test_create_note_goes_to_my_inbox(client: GraphQLClient) -> None:
    # given
    account = await client.sign_up()
    # when
    note = await create_entry(client, account, title="Groceries", body="- milk\n- *eggs*")
    # then
    assert note["__typename"] == "Note"
    assert note["kind"] == "NOTE"
    assert note["status"] == "ACTIVE"
    assert note["version"] == 1
    assert note["body"] == "- milk\n- *eggs*"
    assert note["category"]["name"] == "Inbox"
    read = (await client.data(ENTRY, {"id": note["id"]}, token=account.token))["entry"]
    assert read == note


async def test_create_each_kind_with_typed_fields(client: GraphQLClient) -> None:
    account = await client.sign_up()
    tag = await create_tag(client, account, "Work Stuff", color="#AABBCC")
    assert tag["slug"] == "work-stuff" and tag["color"] == "#aabbcc"

    password = await create_entry(
        client,
        account,
        kind="PASSWORD",
        title="Bank",
        password={"url": "https://bank.example", "username": "me", "secret": "hunter2"},
        tagIds=[tag["id"]],
    )
    assert password["__typename"] == "Password"
    assert (password["url"], password["username"], password["hasTotp"]) == (
        "https://bank.example",
        "me",
        False,
    )
    assert [e["node"]["slug"] for e in password["tags"]["edges"]] == ["work-stuff"]

    bookmark = await create_entry(
        client,
        account,
        kind="BOOKMARK",
        title="Docs",
        bookmark={"url": "https://docs.example/x", "faviconUrl": "https://docs.example/f.ico"},
    )
    assert bookmark["url"] == "https://docs.example/x"

    task = await create_entry(
        client,
        account,
        kind="TASK",
        title="Taxes",
        task={"dueAt": "2031-04-15T12:00:00+00:00", "priority": 1, "done": True},
    )
    assert task["priority"] == 1 and task["done"] is True and task["doneAt"] is not None

    contact = await create_entry(
        client,
        account,
        kind="CONTACT",
        title="Ada",
        contact={
            "givenName": "Ada",
            "familyName": "Lovelace",
            "emails": [{"address": "ada@example.com", "label": "work"}],
            "phones": [{"number": "+44 20 7946 0000"}],
            "birthday": "1815-12-10",
        },
    )
    assert contact["emails"] == [{"address": "ada@example.com", "label": "work"}]
    assert contact["birthday"] == "1815-12-10"

    document = await create_entry(client, account, kind="DOCUMENT", title="Lease")
    assert document["__typename"] == "Document"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"kind": "BOOKMARK", "bookmark": {"url": "ftp://x.example"}}, "bookmark.url"),
        ({"kind": "BOOKMARK", "bookmark": {"url": "javascript:alert(1)"}}, "bookmark.url"),
        ({"kind": "TASK", "task": {"priority": 6}}, "task.priority"),
        ({"kind": "TASK", "task": {"priority": 0}}, "task.priority"),
        (
            {"kind": "CONTACT", "contact": {"emails": [{"address": "not-an-email"}]}},
            "contact.emails.0.address",
        ),
        ({"kind": "PASSWORD", "password": {"totpSeed": "not base32!"}}, "password.totpSeed"),
        ({"kind": "NOTE", "task": {"priority": 1}}, "task"),
        ({"kind": "NOTE", "title": "   "}, "title"),
        ({"kind": "NOTE", "expiresAt": "2001-01-01T00:00:00Z"}, "expiresAt"),
        ({"kind": "NOTE", "status": "DELETED"}, "status"),
        ({"kind": "NOTE", "categoryId": "VGFnOjE="}, "categoryId"),
    ],
)
async def test_bad_entry_input_is_refused_and_changes_nothing(
    client: GraphQLClient, values: dict, field: str
) -> None:
    # given
    account = await client.sign_up()
    values = {"title": "x", **values}
    # when
    body = await client.execute(
        "mutation($input: CreateEntryInput!) { createEntry(input: $input) { id } }",
        {"input": values},
        token=account.token,
    )
    # then
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    assert body["errors"][0]["extensions"]["field"] == field
    listed = await client.data("{ entries { edges { node { id } } } }", token=account.token)
    assert listed["entries"]["edges"] == []


async def test_update_with_the_current_version_changes_and_bumps_it(
    client: GraphQLClient,
) -> None:
    account = await client.sign_up()
    task = await create_entry(client, account, kind="TASK", title="Call", task={"priority": 3})
    updated = (
        await client.data(
            UPDATE_ENTRY,
            {"id": task["id"], "v": 1, "input": {"title": "Call mum", "task": {"done": True}}},
            token=account.token,
        )
    )["updateEntry"]
    assert updated["title"] == "Call mum"
    assert updated["version"] == 2
    assert updated["done"] is True and updated["doneAt"] is not None
    assert updated["priority"] == 3  # untouched fields stay


async def test_update_with_a_stale_version_is_a_conflict_with_the_current_version(
    client: GraphQLClient,
) -> None:
    # given: two devices read version 1; the first saves
    account = await client.sign_up()
    note = await create_entry(client, account, title="Draft")
    await client.data(
        UPDATE_ENTRY, {"id": note["id"], "v": 1, "input": {"body": "one"}}, token=account.token
    )
    # when: the second saves on version 1
    body = await client.execute(
        UPDATE_ENTRY, {"id": note["id"], "v": 1, "input": {"body": "two"}}, token=account.token
    )
    # then
    assert error_codes(body) == ["CONFLICT"]
    assert body["errors"][0]["extensions"]["currentVersion"] == 2
    read = (await client.data(ENTRY, {"id": note["id"]}, token=account.token))["entry"]
    assert read["body"] == "one" and read["version"] == 2


async def test_update_refuses_another_kinds_fields(client: GraphQLClient) -> None:
    account = await client.sign_up()
    note = await create_entry(client, account)
    body = await client.execute(
        UPDATE_ENTRY,
        {"id": note["id"], "v": 1, "input": {"bookmark": {"url": "https://x.example"}}},
        token=account.token,
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "bookmark"


async def test_entry_with_a_wrong_type_id_is_null(client: GraphQLClient) -> None:
    # given: a Note's uuid under the Password type name
    account = await client.sign_up()
    note = await create_entry(client, account)
    forged = global_id("Password", raw_id(note["id"]))
    # when / then
    assert (await client.data(ENTRY, {"id": forged}, token=account.token))["entry"] is None
