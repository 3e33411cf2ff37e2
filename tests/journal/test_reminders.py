"""Reminders: validation, completion, snooze, and the scheduler firing each once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from server.container import Container
from tests.support.background import background_down
from tests.support.client import GraphQLClient, error_codes
from tests.support.ids import raw_id
from tests.support.wait import eventually
from tests.support.ws import WebSocketClient

CREATE = """
mutation($input: CreateReminderInput!) {
  createReminder(input: $input) {
    id title remindAt priority repeat intervalDays completed completedAt nextFireAt
  }
}
"""
COMPLETE = "mutation($id: ID!) { completeReminder(id: $id) { completed completedAt nextFireAt } }"
UNCOMPLETE = (
    "mutation($id: ID!) { uncompleteReminder(id: $id) { completed completedAt nextFireAt } }"
)
SNOOZE = "mutation($id: ID!, $m: Int!) { snoozeReminder(id: $id, minutes: $m) { nextFireAt } }"
REMINDERS = """
query($dueBefore: DateTime, $completed: Boolean, $first: Int, $after: String) {
  reminders(dueBefore: $dueBefore, completed: $completed, first: $first, after: $after) {
    edges { node { title remindAt nextFireAt lastFiredAt completed } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
NOTIFICATIONS = "query { notifications { edges { node { kind title data } } } }"


def soon(seconds: float = 1.0) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat()


async def create(client: GraphQLClient, token: str, **values) -> dict:
    values.setdefault("remindAt", soon(3600))
    return (await client.data(CREATE, {"input": values}, token=token))["createReminder"]


async def reminder_notifications(client: GraphQLClient, token: str) -> list[dict]:
    edges = (await client.data(NOTIFICATIONS, token=token))["notifications"]["edges"]
    return [e["node"] for e in edges if e["node"]["kind"] == "REMINDER"]


def scheduler_down(server):
    """Stop the server's in-process scheduler (a worker going down), restart it after."""
    scheduler = server.services.reminder_scheduler

    def is_scheduler(task) -> bool:
        return task.get_coro().__qualname__ == "ReminderScheduler.run"

    return background_down(server, is_scheduler, scheduler.run, "journal-worker")


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"remindAt": "2020-01-01T00:00:00+00:00"}, "remindAt"),
        ({"priority": 6}, "priority"),
        ({"repeat": "INTERVAL"}, "intervalDays"),
        ({"repeat": "DAILY", "intervalDays": 3}, "intervalDays"),
        ({"timeZone": "Mars/Olympus"}, "timeZone"),
        ({"title": " "}, "title"),
    ],
)
async def test_create_reminder_bad_input_changes_nothing(
    client: GraphQLClient, values: dict, field: str
) -> None:
    account = await client.sign_up()
    body = await client.execute(
        CREATE, {"input": {"title": "t", "remindAt": soon(60), **values}}, token=account.token
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == field
    assert (await client.data(REMINDERS, token=account.token))["reminders"]["edges"] == []


async def test_complete_sets_completed_at_exactly_when_completed(
    client: GraphQLClient, server
) -> None:
    account = await client.sign_up()
    reminder = await create(client, account.token, title="pay rent")
    done = await client.data(COMPLETE, {"id": reminder["id"]}, token=account.token)
    assert done["completeReminder"]["completed"] is True
    assert done["completeReminder"]["completedAt"] is not None
    assert done["completeReminder"]["nextFireAt"] is None
    undone = await client.data(UNCOMPLETE, {"id": reminder["id"]}, token=account.token)
    assert undone["uncompleteReminder"] == {
        "completed": False,
        "completedAt": None,
        "nextFireAt": reminder["remindAt"],
    }
    # The database refuses an inconsistent row whoever writes it.
    with pytest.raises(IntegrityError):
        async with server.services.clients.db() as session, session.begin():
            await session.execute(
                text("UPDATE reminders SET is_completed = true WHERE user_id = :u"),
                {"u": account.uuid},
            )


async def test_reminders_filter_by_due_and_completion_and_page(client: GraphQLClient) -> None:
    account = await client.sign_up()
    for hours in (1, 2, 3):
        await create(client, account.token, title=f"in {hours}h", remindAt=soon(hours * 3600))
    done = await create(client, account.token, title="done", remindAt=soon(30 * 3600))
    await client.data(COMPLETE, {"id": done["id"]}, token=account.token)
    due = await client.data(REMINDERS, {"dueBefore": soon(2.5 * 3600)}, token=account.token)
    open_ = await client.data(REMINDERS, {"completed": False, "first": 2}, token=account.token)
    completed = await client.data(REMINDERS, {"completed": True}, token=account.token)

    def titles(d):
        return [e["node"]["title"] for e in d["reminders"]["edges"]]

    assert titles(due) == ["in 1h", "in 2h"]
    assert titles(open_) == ["in 1h", "in 2h"] and open_["reminders"]["pageInfo"]["hasNextPage"]
    assert titles(completed) == ["done"]


async def test_two_workers_fire_each_due_reminder_exactly_once(
    client: GraphQLClient, server
) -> None:
    # given: five reminders due in a moment, and two schedulers in two "processes"
    account = await client.sign_up()
    ids = [
        (await create(client, account.token, title=f"r{n}", remindAt=soon(1.0)))["id"]
        for n in range(5)
    ]
    other = Container.build(server.services.clients.settings)
    await other.start(run_workers=False)
    schedulers = [server.services.reminder_scheduler, other.services.reminder_scheduler]
    fired: list = []
    try:
        async with scheduler_down(server):
            await asyncio.sleep(1.2)

            # when: both race over the same due rows, many times
            async def spin(scheduler) -> None:
                for _ in range(15):
                    fired.extend(
                        f
                        for f in await scheduler.run_once()
                        if f.reminder_id in {raw_id(i) for i in ids}
                    )
                    await asyncio.sleep(0.02)

            await asyncio.gather(spin(schedulers[0]), spin(schedulers[1]))
    finally:
        await other.stop()
    # then: every reminder fired once, and was notified once
    assert sorted(f.reminder_id for f in fired) == sorted(raw_id(i) for i in ids)
    notified = await reminder_notifications(client, account.token)
    assert sorted(n["title"] for n in notified) == [f"r{n}" for n in range(5)]
    listed = await client.data(REMINDERS, token=account.token)
    assert all(
        e["node"]["lastFiredAt"] and e["node"]["nextFireAt"] is None
        for e in listed["reminders"]["edges"]
    )


async def test_a_due_reminder_arrives_live_and_repeats_daily(
    client: GraphQLClient, server, fast_workers
) -> None:
    account = await client.sign_up()
    async with WebSocketClient(server.ws_url) as ws:
        await ws.init({"authorization": f"Bearer {account.token}"})
        await ws.subscribe("1", "subscription { notificationReceived { kind title data } }")
        reminder = await create(
            client,
            account.token,
            title="stretch",
            remindAt=soon(1.0),
            repeat="DAILY",
            timeZone="Europe/Paris",
        )
        frame = await ws.receive(timeout=15)
    live = frame["payload"]["data"]["notificationReceived"]
    assert live["kind"] == "REMINDER" and live["title"] == "stretch"
    assert live["data"]["reminderId"] == reminder["id"]

    async def advanced():
        node = (await client.data(REMINDERS, token=account.token))["reminders"]["edges"][0]["node"]
        return node if node["remindAt"] != reminder["remindAt"] else None

    node = await eventually(advanced, timeout=10)
    first = datetime.fromisoformat(reminder["remindAt"])
    following = datetime.fromisoformat(node["remindAt"])
    assert following - first == timedelta(days=1)
    assert node["nextFireAt"] == node["remindAt"]


async def test_snoozed_reminder_fires_again(client: GraphQLClient, server, fast_workers) -> None:
    # given: a reminder that fired
    account = await client.sign_up()
    reminder = await create(client, account.token, title="call mum", remindAt=soon(1.0))
    await eventually(lambda: reminder_notifications(client, account.token), timeout=10)
    # when: snoozed, and the snooze time passes
    snoozed = await client.data(SNOOZE, {"id": reminder["id"], "m": 10}, token=account.token)
    at = datetime.fromisoformat(snoozed["snoozeReminder"]["nextFireAt"])
    assert timedelta(minutes=9) < at - datetime.now(UTC) <= timedelta(minutes=10)
    async with server.services.clients.db() as session, session.begin():
        await session.execute(
            text("UPDATE reminders SET fire_at = now() WHERE user_id = :u"), {"u": account.uuid}
        )
    # then
    twice = await eventually(
        lambda: _at_least(reminder_notifications(client, account.token), 2), timeout=10
    )
    assert [n["title"] for n in twice] == ["call mum", "call mum"]


async def test_completed_reminder_does_not_fire(
    client: GraphQLClient, server, fast_workers
) -> None:
    account, witness = await client.sign_up(), await client.sign_up()
    # Someone else's open reminder, due at the same moment: it firing proves the scheduler
    # ran over that moment, so the silence below is the completion's doing.
    due = soon(1.0)
    await create(client, witness.token, title="witness", remindAt=due)
    reminder = await create(client, account.token, title="nope", remindAt=due)
    await client.data(COMPLETE, {"id": reminder["id"]}, token=account.token)
    await asyncio.sleep(1.5)
    fired = await eventually(lambda: reminder_notifications(client, witness.token), timeout=10)
    assert [n["title"] for n in fired] == ["witness"]
    assert await reminder_notifications(client, account.token) == []


async def test_a_reminder_missed_while_workers_were_down_fires_on_restart(
    client: GraphQLClient, server, fast_workers
) -> None:
    account = await client.sign_up()
    async with scheduler_down(server):
        await create(client, account.token, title="missed", remindAt=soon(0.5))
        await asyncio.sleep(1.0)
        assert await reminder_notifications(client, account.token) == []
    notified = await eventually(lambda: reminder_notifications(client, account.token), timeout=10)
    assert [n["title"] for n in notified] == ["missed"]


async def test_another_user_cannot_touch_my_reminders(client: GraphQLClient) -> None:
    mine, theirs = await client.sign_up(), await client.sign_up()
    reminder = await create(client, mine.token, title="private")
    for document, variables in (
        (COMPLETE, {"id": reminder["id"]}),
        (UNCOMPLETE, {"id": reminder["id"]}),
        (SNOOZE, {"id": reminder["id"], "m": 5}),
        ("mutation($id: ID!) { deleteReminder(id: $id) { deletedId } }", {"id": reminder["id"]}),
        (
            'mutation($id: ID!) { updateReminder(id: $id, input: {title: "x"}) { id } }',
            {"id": reminder["id"]},
        ),
    ):
        body = await client.execute(document, variables, token=theirs.token)
        assert error_codes(body) == ["NOT_FOUND"], document
    assert (await client.data(REMINDERS, token=theirs.token))["reminders"]["edges"] == []
    node = await client.data(
        "query($id: ID!) { node(id: $id) { id } }", {"id": reminder["id"]}, token=theirs.token
    )
    assert node["node"] is None
    mine_now = (await client.data(REMINDERS, token=mine.token))["reminders"]["edges"]
    assert [e["node"]["title"] for e in mine_now] == ["private"]
    assert mine_now[0]["node"]["completed"] is False


async def _at_least(listing, n: int):
    found = await listing
    return found if len(found) >= n else None
