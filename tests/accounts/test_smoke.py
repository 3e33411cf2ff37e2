from tests.support.client import GraphQLClient

ME = "query { me { id email username presence { status } } }"


async def test_sign_up_then_me(client: GraphQLClient) -> None:
    # given
    account = await client.sign_up()
    # when
    data = await client.data(ME, token=account.token)
    # then
    assert data["me"]["email"] == account.email
