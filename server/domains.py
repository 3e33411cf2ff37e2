"""Domains plug into the server here: each `resolvers/<domain>/__init__.py` exports `DOMAIN`.

A domain brings its GraphQL roots and types, per-request loaders, long-lived services,
background workers and outbox sinks. The server discovers domains by package name, so adding
one touches no shared file.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from contextlib import AbstractAsyncContextManager

    from datastore.accounts.authenticator import Principal
    from datastore.outbox.repository import PendingEvent
    from server.services import Services

Sink = Callable[["Sequence[PendingEvent]"], Awaitable[None]]


@dataclass(frozen=True)
class Domain:
    name: str
    queries: tuple[type, ...] = ()
    mutations: tuple[type, ...] = ()
    subscriptions: tuple[type, ...] = ()
    # Types the schema must know although no field names them (Node implementers).
    types: tuple[type, ...] = ()
    # context.loaders.<name>: built once per request from the process's services.
    loaders: Callable[[Services], Any] | None = None
    # services.domain(<name>): built once per process.
    service: Callable[[Services], Any] | None = None
    # Long-running coroutines (job runners, schedulers), run in-process or by `worker`.
    workers: Callable[[Services], list[Callable[[], Awaitable[None]]]] | None = None
    # Extra destinations for committed outbox events (beside Redis pub/sub).
    sinks: Callable[[Services], list[Sink]] | None = None
    # Entered when an authenticated websocket opens, exited when it closes (presence).
    on_socket: Callable[[Services, Principal], AbstractAsyncContextManager[None]] | None = None


@cache
def all_domains() -> tuple[Domain, ...]:
    """Every domain package under `resolvers/`, in name order."""
    import resolvers

    found = []
    for module in sorted(pkgutil.iter_modules(resolvers.__path__), key=lambda m: m.name):
        if module.ispkg:
            domain = getattr(importlib.import_module(f"resolvers.{module.name}"), "DOMAIN", None)
            if domain is not None:
                found.append(domain)
    return tuple(found)


@cache
def import_stores() -> None:
    """Import every `datastore/<domain>/{tables,items}.py`: SQL tables and DynamoDB tables."""
    import datastore

    for module in pkgutil.iter_modules(datastore.__path__):
        if not module.ispkg:
            continue
        for leaf in ("tables", "items"):
            name = f"datastore.{module.name}.{leaf}"
            if importlib.util.find_spec(name) is not None:
                importlib.import_module(name)
