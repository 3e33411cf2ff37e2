"""`securityAuditLog` takes the same statements for a page of 2 and of 20 events."""

from __future__ import annotations

from tests.support.client import GraphQLClient

SIGN_IN = "mutation($input: SignInInput!) { signIn(input: $input) { token } }"
EVENTS = """
query($first: Int!) {
  securityAuditLog(first: $first) {
    edges { node { type category severity success message createdAt } }
    pageInfo { hasNextPage }
  }
}
"""


async def test_security_audit_log_takes_the_same_statements_for_2_and_20_rows(
    client: GraphQLClient,
) -> None:
    # given: 1 sign-up + 20 sign-ins = 21 events
    account = await client.sign_up()
    for _ in range(20):
        await client.data(
            SIGN_IN, {"input": {"login": account.email, "password": account.password}}
        )
    # when
    small = await client.count_statements(EVENTS, {"first": 2}, token=account.token)
    large = await client.count_statements(EVENTS, {"first": 20}, token=account.token)
    # then
    assert small == large == 1  # the page, by the keyed user hash
