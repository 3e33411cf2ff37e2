"""GraphiQL in a real browser with no internet: queries, subscriptions, docs, headers kept."""

from __future__ import annotations

import json

from playwright.async_api import expect

from server.graphiql.page import CONTENT_SECURITY_POLICY
from tests.conftest import LiveServer
from tests.support.client import Account, GraphQLClient
from tests.support.graphiql import GraphiQL, Traffic

SIGN_IN = "mutation($input: SignInInput!) { signIn(input: $input) { token } }"


def bearer(account: Account) -> str:
    return json.dumps({"Authorization": f"Bearer {account.token}"})


async def signed_in_tab(graphiql: GraphiQL, client: GraphQLClient, tab: str) -> Account:
    """A new user's token in the headers of GraphiQL's `tab`."""
    account = await client.sign_up()
    await graphiql.open()
    await graphiql.select_tab(tab)
    await graphiql.type_headers(bearer(account))
    return account


async def assert_offline_and_clean(graphiql: GraphiQL, traffic: Traffic) -> None:
    assert traffic.foreign() == []
    assert traffic.csp_messages() == []
    assert await graphiql.csp_violations() == []
    assert traffic.page_errors == []


async def test_graphiql_loads_every_asset_from_our_server_under_its_csp(
    offline_page: tuple[GraphiQL, Traffic], introspection
) -> None:
    # given
    graphiql, traffic = offline_page
    introspection("public")
    csp: list[str] = []
    graphiql.page.on(
        "response",
        lambda response: (
            csp.append(response.headers.get("content-security-policy", ""))
            if response.url == graphiql.url
            else None
        ),
    )
    # when
    await graphiql.open()
    # then
    assert csp == [CONTENT_SECURITY_POLICY]
    tabs = graphiql.page.locator(".graphiql-tab-button")
    await expect(tabs).to_have_text(["SignUp", "Me", "SessionEvents"])
    await expect(graphiql.page.locator(".graphiql-logo")).to_have_text("PersonalPod")
    assert any(url.endswith(".worker.js") or ".worker-" in url for url in traffic.requested)
    await assert_offline_and_clean(graphiql, traffic)


async def test_graphiql_runs_a_query_with_the_authorization_header(
    offline_page: tuple[GraphiQL, Traffic], client: GraphQLClient
) -> None:
    # given
    graphiql, traffic = offline_page
    account = await signed_in_tab(graphiql, client, "Me")
    await graphiql.type_query("query { me { id } }")
    # when
    await graphiql.run()
    # then
    await graphiql.expect_result(account.user_id)
    await assert_offline_and_clean(graphiql, traffic)


async def test_graphiql_remembers_the_headers_in_this_browser(
    offline_page: tuple[GraphiQL, Traffic], client: GraphQLClient
) -> None:
    # given
    graphiql, traffic = offline_page
    account = await signed_in_tab(graphiql, client, "Me")
    # when
    await graphiql.reload()
    await graphiql.select_tab("Me")
    await graphiql.page.get_by_role("button", name="Headers", exact=True).click()
    # then
    await expect(graphiql.headers_editor()).to_contain_text(account.token)
    await graphiql.run()
    await graphiql.expect_result(account.username)
    await assert_offline_and_clean(graphiql, traffic)


async def test_graphiql_subscription_sends_the_header_in_connection_init_and_shows_events(
    offline_page: tuple[GraphiQL, Traffic], client: GraphQLClient, server: LiveServer
) -> None:
    # given
    graphiql, traffic = offline_page
    account = await signed_in_tab(graphiql, client, "SessionEvents")
    # when
    await graphiql.run()
    # The subscription listens once the server has its subscribe frame: sign in until an
    # event shows (each sign-in is a new device, so one that lands too early is harmless).
    for attempt in range(10):
        device = f"browser-test-{attempt}"
        await client.data(
            SIGN_IN,
            {"input": {"login": account.email, "password": account.password, "deviceName": device}},
        )
        try:
            await graphiql.expect_result(device, timeout=1_500)
            break
        except AssertionError:
            continue
    # then
    await graphiql.expect_result("SIGNED_IN")
    assert traffic.websockets == [server.ws_url]
    inits = [frame for frame in traffic.sent_frames if frame.get("type") == "connection_init"]
    assert inits == [
        {"type": "connection_init", "payload": {"authorization": f"Bearer {account.token}"}}
    ]
    await assert_offline_and_clean(graphiql, traffic)


async def test_graphiql_docs_load_once_the_header_signs_in(
    offline_page: tuple[GraphiQL, Traffic], client: GraphQLClient
) -> None:
    # given: the default INTROSPECTION=signed_in refuses an anonymous schema
    graphiql, traffic = offline_page
    account = await client.sign_up()
    await graphiql.open()
    docs = await graphiql.open_docs()
    await expect(docs).to_contain_text("Error fetching schema", timeout=10_000)
    await graphiql.expect_result("only signed-in callers")  # what to do about it
    # when
    await graphiql.type_headers(bearer(account))
    # then
    await expect(docs.get_by_text("Query", exact=True)).to_be_visible(timeout=10_000)
    await docs.get_by_text("Query", exact=True).click()
    await expect(docs).to_contain_text("me")
    explorer = await graphiql.open_explorer()  # on the SignUp tab: the Mutation type's fields
    await expect(explorer).to_contain_text("createEntry", timeout=10_000)
    await assert_offline_and_clean(graphiql, traffic)


async def test_graphiql_says_the_schema_is_closed_and_still_runs_operations(
    offline_page: tuple[GraphiQL, Traffic], client: GraphQLClient, introspection
) -> None:
    # given: INTROSPECTION=off refuses the schema even to a signed-in caller
    graphiql, traffic = offline_page
    introspection("off")
    account = await client.sign_up()
    await graphiql.open()
    await graphiql.select_tab("Me")
    # when
    await graphiql.type_headers(bearer(account))
    # then
    await graphiql.expect_result("does not open its schema to this caller")
    await graphiql.run()
    await graphiql.expect_result(account.username)
    await assert_offline_and_clean(graphiql, traffic)
