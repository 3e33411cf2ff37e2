"""Friend requests, unfriending, blocking, search and the public Person."""

from __future__ import annotations

from tests.support.client import GraphQLClient, error_codes
from tests.support.people import ACCEPT, BLOCK, SEND_REQUEST, UNBLOCK, befriend, person_id

DECLINE = "mutation($id: ID!) { declineFriendRequest(userId: $id) { relationship } }"
CANCEL = "mutation($id: ID!) { cancelFriendRequest(userId: $id) { relationship } }"
UNFRIEND = "mutation($id: ID!) { unfriend(userId: $id) { relationship } }"
FRIENDS = "query { friends { edges { node { username } } } }"
REQUESTS = """
query($direction: RequestDirection!) {
  friendRequests(direction: $direction) { edges { node { direction person { username } } } }
}
"""
SEARCH = """
query($q: String!, $first: Int, $after: String) {
  people(query: $q, first: $first, after: $after) {
    edges { node { id username displayName relationship presence { status } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
NODE = "query($id: ID!) { node(id: $id) { ... on Person { username } } }"
NOTIFICATIONS = "query { notifications { edges { node { kind data } } } }"


async def test_a_request_accepted_makes_friends_and_notifies(client: GraphQLClient) -> None:
    # given
    ada, bob = await client.sign_up(), await client.sign_up()
    # when
    sent = await client.data(SEND_REQUEST, {"id": person_id(bob)}, token=ada.token)
    incoming = await client.data(REQUESTS, {"direction": "INCOMING"}, token=bob.token)
    accepted = await client.data(ACCEPT, {"id": person_id(ada)}, token=bob.token)
    # then
    assert sent["sendFriendRequest"]["relationship"] == "REQUEST_SENT"
    assert incoming["friendRequests"]["edges"] == [
        {"node": {"direction": "INCOMING", "person": {"username": ada.username}}}
    ]
    assert accepted["acceptFriendRequest"]["relationship"] == "FRIENDS"
    friends = await client.data(FRIENDS, token=ada.token)
    assert friends["friends"]["edges"] == [{"node": {"username": bob.username}}]
    notices = (await client.data(NOTIFICATIONS, token=bob.token))["notifications"]["edges"]
    assert notices[0]["node"]["kind"] == "FRIEND_REQUEST"
    assert notices[0]["node"]["data"] == {"personId": person_id(ada)}


async def test_crossed_requests_become_a_friendship(client: GraphQLClient) -> None:
    ada, bob = await client.sign_up(), await client.sign_up()
    await client.data(SEND_REQUEST, {"id": person_id(bob)}, token=ada.token)
    crossed = await client.data(SEND_REQUEST, {"id": person_id(ada)}, token=bob.token)
    assert crossed["sendFriendRequest"]["relationship"] == "FRIENDS"


async def test_decline_cancel_and_unfriend_remove_the_pair(client: GraphQLClient) -> None:
    ada, bob, cy = await client.sign_up(), await client.sign_up(), await client.sign_up()
    await client.data(SEND_REQUEST, {"id": person_id(bob)}, token=ada.token)
    declined = await client.data(DECLINE, {"id": person_id(ada)}, token=bob.token)
    await client.data(SEND_REQUEST, {"id": person_id(cy)}, token=ada.token)
    cancelled = await client.data(CANCEL, {"id": person_id(cy)}, token=ada.token)
    await befriend(client, ada, bob)
    unfriended = await client.data(UNFRIEND, {"id": person_id(bob)}, token=ada.token)
    assert declined["declineFriendRequest"]["relationship"] == "NONE"
    assert cancelled["cancelFriendRequest"]["relationship"] == "NONE"
    assert unfriended["unfriend"]["relationship"] == "NONE"
    # declining what does not exist is NOT_FOUND and changes nothing
    again = await client.execute(DECLINE, {"id": person_id(ada)}, token=bob.token)
    assert error_codes(again) == ["NOT_FOUND"]


async def test_bad_ids_are_bad_user_input_with_the_field(client: GraphQLClient) -> None:
    ada = await client.sign_up()
    body = await client.execute(SEND_REQUEST, {"id": "bm9wZQ=="}, token=ada.token)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    yourself = await client.execute(SEND_REQUEST, {"id": person_id(ada)}, token=ada.token)
    assert error_codes(yourself) == ["BAD_USER_INPUT"]
    assert yourself["errors"][0]["extensions"]["field"] == "userId"


async def test_blocking_ends_friendship_and_hides_me_from_the_blocked(
    client: GraphQLClient,
) -> None:
    # given
    ada, bob = await client.sign_up(), await client.sign_up()
    await befriend(client, ada, bob)
    # when
    blocked = await client.data(BLOCK, {"id": person_id(bob)}, token=ada.token)
    # then
    assert blocked["blockPerson"]["relationship"] == "BLOCKED"
    assert (await client.data(FRIENDS, token=bob.token))["friends"]["edges"] == []
    search = await client.data(SEARCH, {"q": ada.username}, token=bob.token)
    assert search["people"]["edges"] == []
    assert (await client.data(NODE, {"id": person_id(ada)}, token=bob.token))["node"] is None
    refused = await client.execute(SEND_REQUEST, {"id": person_id(ada)}, token=bob.token)
    assert error_codes(refused) == ["FORBIDDEN"]
    # and unblocking restores nothing but the possibility
    unblocked = await client.data(UNBLOCK, {"id": person_id(bob)}, token=ada.token)
    assert unblocked["unblockPerson"]["relationship"] == "NONE"


async def test_search_pages_by_username_prefix_without_emails(client: GraphQLClient) -> None:
    # given
    ada = await client.sign_up()
    others = [await client.sign_up() for _ in range(3)]
    prefix = "user_"
    # when
    page = await client.data(SEARCH, {"q": prefix, "first": 2}, token=ada.token)
    after = page["people"]["pageInfo"]["endCursor"]
    rest = await client.data(SEARCH, {"q": prefix, "first": 2, "after": after}, token=ada.token)
    exact = await client.data(SEARCH, {"q": others[0].username.upper()}, token=ada.token)
    # then
    names = [e["node"]["username"] for e in page["people"]["edges"] + rest["people"]["edges"]]
    assert names == sorted(names) and len(names) == 4
    assert [e["node"]["username"] for e in exact["people"]["edges"]] == [others[0].username]
    person_fields = await client.data(
        '{ __type(name: "Person") { fields { name } } }', token=ada.token
    )
    field_names = {f["name"] for f in person_fields["__type"]["fields"]}
    assert "username" in field_names and "email" not in field_names
    assert all(o.email not in str(page) + str(rest) for o in others)
    assert exact["people"]["edges"][0]["node"]["presence"] is None  # not a friend
    empty = await client.execute(SEARCH, {"q": ""}, token=ada.token)
    assert error_codes(empty) == ["BAD_USER_INPUT"]
