"""`personalpod create-account`: how an administrator adds accounts, also when SIGN_UP is
closed. The password comes from stdin (`--password-stdin`) or a prompt, never argv."""

from __future__ import annotations

import getpass
import sys

from datastore.accounts.service import ClientInfo
from datastore.kit.errors import DomainError
from datastore.kit.settings import Settings
from server.container import Container

CLI_CLIENT = ClientInfo(ip=None, user_agent="personalpod create-account")


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not sys.stdin.isatty():
        raise SystemExit("personalpod: no terminal to ask for the password; use --password-stdin")
    password = getpass.getpass("Password: ")
    if getpass.getpass("Repeat it: ") != password:
        raise SystemExit("personalpod: the passwords differ; nothing was created")
    return password


async def create_account(
    settings: Settings, *, email: str, username: str, display_name: str | None, password: str
) -> None:
    container = Container.build(settings)
    await container.start(run_workers=False)
    try:
        user = await container.services.accounts.create_account(
            email=email,
            username=username,
            password=password,
            display_name=display_name,
            client=CLI_CLIENT,
        )
    except DomainError as error:
        raise SystemExit(f"personalpod: {error.message} Nothing was created.") from error
    finally:
        await container.stop()
    print(f"personalpod: created {user.username} <{user.email}>; sign in with signIn")
