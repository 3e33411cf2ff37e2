"""The OPAQUE server setup is configuration (VAULT_SERVER_SETUP), the same on every server
instance and across restarts: a tag registered on one instance unlocks on another, even
with the unlock started on the first. Another setup opens nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import opaque_ke_py as opaque
import pytest
import uvicorn

from datastore.kit.crypto.opaque import new_server_setup
from datastore.kit.settings import ConfigurationError, Settings, load_settings
from server.app import create_app
from server.cli import uvicorn_options
from tests.support.client import GraphQLClient, error_codes
from tests.support.ports import free_port
from tests.support.uvicorn_server import running
from tests.support.vault import (
    LOGIN_FINISH,
    REGISTER_START,
    b64url,
    finalization,
    login_start,
    register_tag,
    unb64url,
)


@asynccontextmanager
async def instance(settings: Settings, **overrides: Any) -> AsyncIterator[str]:
    """Another server process's worth: its own app, container and port, same databases."""
    changed = settings.model_copy(update={"run_workers_in_process": False, **overrides})
    app = create_app(changed)
    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
        **uvicorn_options(changed),
    )
    async with running(config):
        yield f"http://127.0.0.1:{port}"


async def test_a_login_started_on_one_instance_finishes_on_another(
    client: GraphQLClient, migrated: Settings
) -> None:
    # given
    account = await client.sign_up()
    tag = await register_tag(client, account)
    body, start = await login_start(client, account, tag)
    started = body["data"]["secretTagLoginStart"]
    # when: the second instance (a restart would be the same) finishes it
    async with instance(migrated) as url, GraphQLClient(url) as other:
        finished = await other.data(
            LOGIN_FINISH,
            {
                "input": {
                    "loginId": started["id"],
                    "finishLoginRequest": finalization(tag, start, started),
                }
            },
            token=account.token,
        )
    # then
    assert finished["secretTagLoginFinish"]["secretTag"]["id"] == tag.id


async def test_another_setup_opens_no_tag(client: GraphQLClient, migrated: Settings) -> None:
    account = await client.sign_up()
    tag = await register_tag(client, account)
    vault = migrated.vault.model_copy(update={"server_setup": new_server_setup()})
    async with instance(migrated, vault=vault) as url, GraphQLClient(url) as other:
        body, start = await login_start(other, account, tag)
    started = body["data"]["secretTagLoginStart"]
    with pytest.raises(ValueError, match="InvalidLogin"):
        opaque.client_login_finish(tag.phrase, start.get_state(), unb64url(started["message"]))


async def test_without_a_setup_secret_tags_are_off(
    client: GraphQLClient, migrated: Settings
) -> None:
    vault = migrated.vault.model_copy(update={"server_setup": ""})
    account = await client.sign_up()
    request = b64url(opaque.client_registration_start(b"p").get_message())
    async with instance(migrated, vault=vault) as url, GraphQLClient(url) as other:
        body = await other.execute(
            REGISTER_START, {"input": {"registrationRequest": request}}, token=account.token
        )
    assert error_codes(body) == ["FORBIDDEN"]
    assert "VAULT_SERVER_SETUP" in body["errors"][0]["message"]


def test_a_malformed_setup_is_a_configuration_error(migrated: Settings) -> None:
    base = {k: v for k, v in migrated.model_dump().items() if not isinstance(v, dict)}
    with pytest.raises(ConfigurationError, match="VAULT_SERVER_SETUP"):
        load_settings(**base, vault_server_setup="c2hvcnQ=")
