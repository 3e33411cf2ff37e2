"""The notification queue: stored for 30 days, paged, counted, marked read, live."""

from __future__ import annotations

import time

from tests.support.client import GraphQLClient, error_codes
from tests.support.ws import WebSocketClient

NOTIFICATIONS = """
query($first: Int, $after: String, $unreadOnly: Boolean! = false) {
  notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {
    edges { node { id kind title body data read } }
    pageInfo { hasNextPage endCursor }
  }
  unreadNotificationCount
}
"""
MARK_READ = """
mutation($ids: [ID!], $all: Boolean! = false) {
  markNotificationsRead(ids: $ids, all: $all) { marked unreadCount }
}
"""
RECEIVED = "subscription { notificationReceived { id kind title data } }"
NODE = "query($id: ID!) { node(id: $id) { id ... on Notification { title } } }"


def service(server):
    return server.services.notifications


async def test_notifications_are_listed_newest_first_and_counted(
    client: GraphQLClient,
    server,
) -> None:
    # given
    account = await client.sign_up()
    for n in range(3):
        await service(server).notify(account.uuid, "SYSTEM", title=f"n{n}", data={"n": n})
    # when
    first = await client.data(NOTIFICATIONS, {"first": 2}, token=account.token)
    rest = await client.data(
        NOTIFICATIONS,
        {"first": 2, "after": first["notifications"]["pageInfo"]["endCursor"]},
        token=account.token,
    )
    # then
    titles = [
        e["node"]["title"] for e in first["notifications"]["edges"] + rest["notifications"]["edges"]
    ]
    assert titles == ["n2", "n1", "n0"]
    assert first["unreadNotificationCount"] == 3
    assert first["notifications"]["pageInfo"]["hasNextPage"] is True
    assert rest["notifications"]["pageInfo"]["hasNextPage"] is False


async def test_mark_read_by_id_and_all_keeps_the_count_exact(
    client: GraphQLClient,
    server,
) -> None:
    # given
    account = await client.sign_up()
    for n in range(3):
        await service(server).notify(account.uuid, "SYSTEM", title=f"n{n}")
    edges = (await client.data(NOTIFICATIONS, token=account.token))["notifications"]["edges"]
    newest = edges[0]["node"]["id"]
    # when
    one = await client.data(MARK_READ, {"ids": [newest, newest]}, token=account.token)
    again = await client.data(MARK_READ, {"ids": [newest]}, token=account.token)
    unread = await client.data(NOTIFICATIONS, {"unreadOnly": True}, token=account.token)
    everything = await client.data(MARK_READ, {"all": True}, token=account.token)
    # then
    assert one["markNotificationsRead"] == {"marked": 1, "unreadCount": 2}
    assert again["markNotificationsRead"] == {"marked": 0, "unreadCount": 2}
    assert [e["node"]["title"] for e in unread["notifications"]["edges"]] == ["n1", "n0"]
    assert everything["markNotificationsRead"] == {"marked": 2, "unreadCount": 0}


async def test_another_users_notifications_stay_invisible_and_unchanged(
    client: GraphQLClient,
    server,
) -> None:
    # given
    mine, theirs = await client.sign_up(), await client.sign_up()
    await service(server).notify(theirs.uuid, "SYSTEM", title="private")
    their_id = (await client.data(NOTIFICATIONS, token=theirs.token))["notifications"]["edges"][0][
        "node"
    ]["id"]
    # when
    listed = await client.data(NOTIFICATIONS, token=mine.token)
    marked = await client.data(MARK_READ, {"ids": [their_id]}, token=mine.token)
    node = await client.data(NODE, {"id": their_id}, token=mine.token)
    # then
    assert listed["notifications"]["edges"] == []
    assert marked["markNotificationsRead"] == {"marked": 0, "unreadCount": 0}
    assert node["node"] is None
    assert (await client.data(NOTIFICATIONS, token=theirs.token))["unreadNotificationCount"] == 1


async def test_a_repeated_dedupe_key_notifies_once(client: GraphQLClient, server) -> None:
    account = await client.sign_up()
    first = await service(server).notify(account.uuid, "REMINDER", title="x", dedupe_key="r1")
    second = await service(server).notify(account.uuid, "REMINDER", title="x", dedupe_key="r1")
    assert first is not None and second is None
    data = await client.data(NOTIFICATIONS, token=account.token)
    assert data["unreadNotificationCount"] == 1
    assert len(data["notifications"]["edges"]) == 1


async def test_expired_notifications_are_not_shown(client: GraphQLClient, server) -> None:
    # given: an item past its TTL that DynamoDB has not deleted yet
    account = await client.sign_up()
    item = await service(server).notify(account.uuid, "SYSTEM", title="old")
    dynamo = server.services.clients.dynamo
    await dynamo.client.update_item(
        TableName=dynamo.table("notifications"),
        Key={"user_id": {"S": account.uuid}, "sk": {"S": item.sk}},
        UpdateExpression="SET expires_at = :t",
        ExpressionAttributeValues={":t": {"N": str(int(time.time()) - 1)}},
    )
    # when
    data = await client.data(NOTIFICATIONS, token=account.token)
    # then
    assert data["notifications"]["edges"] == []


async def test_notification_received_arrives_live(client: GraphQLClient, server) -> None:
    account = await client.sign_up()
    async with WebSocketClient(server.ws_url) as ws:
        await ws.init({"authorization": f"Bearer {account.token}"})
        await ws.subscribe("1", RECEIVED)
        await ws.subscribe("probe", "query { unreadNotificationCount }")
        assert (await ws.receive())["id"] == "probe"  # the subscription is registered
        await ws.receive()  # probe complete
        await service(server).notify(
            account.uuid, "FRIEND_REQUEST", title="Ada wants to be friends", data={"userId": "u1"}
        )
        frame = await ws.receive()
    event = frame["payload"]["data"]["notificationReceived"]
    assert event["kind"] == "FRIEND_REQUEST"
    assert event["data"] == {"userId": "u1"}


async def test_mark_read_needs_ids_or_all(client: GraphQLClient) -> None:
    account = await client.sign_up()
    body = await client.execute(MARK_READ, {}, token=account.token)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    body = await client.execute(MARK_READ, {"ids": [account.user_id]}, token=account.token)
    assert error_codes(body) == ["BAD_USER_INPUT"]
