"""Throwaway services, a migrated database and a real uvicorn server for the whole suite,
and the fixtures several test folders share.

Every test talks to real PostgreSQL (pgserver), DynamoDB Local and Redis. Tests isolate
themselves by signing up their own users, so they never need to reset shared state.
"""

from __future__ import annotations

import asyncio
import base64
import os
import secrets
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette

from datastore.kit.crypto.opaque import new_server_setup
from datastore.kit.settings import Settings, load_settings
from datastore.services import Services
from server.app import create_app
from server.cli import uvicorn_options
from server.container import Container
from server.embedded import start_services
from server.graphql.compiled.crosscheck import MISMATCHES
from server.migrate import migrate_dynamodb, migrate_postgres
from tests.support.audit import install_graphql_http
from tests.support.client import GraphQLClient
from tests.support.ports import free_port
from tests.support.uvicorn_server import running

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def service_env() -> Iterator[dict[str, str]]:
    """URLs of throwaway PostgreSQL, DynamoDB Local and Redis, plus test settings."""
    blob_dir = tempfile.mkdtemp(prefix="pp-test-blobs-")
    mail_dir = tempfile.mkdtemp(prefix="pp-test-mail-")
    with start_services(data_dir=None, configured={}, cache_dir=ROOT / ".cache") as services:
        yield {
            **services.env,
            "MASTER_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
            "AUDIT_HASH_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
            "AUDIT_SIGNING_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
            "VAULT_SERVER_SETUP": new_server_setup(),
            "PASSWORD_HASH_PROFILE": "minimal",
            "DYNAMODB_TABLE_PREFIX": "test_",
            "LOG_LEVEL": "warning",
            # The suite's app (and its server subprocesses) run the workers in-process: tests
            # tune and call them through `server.services`. test_worker_process.py runs
            # `serve` in its default mode, with a worker child.
            "RUN_WORKERS_IN_PROCESS": "true",
            # The tests play the proxy: each client names its address in X-Forwarded-For.
            "FORWARDED_ALLOW_IPS": "127.0.0.1",
            # Short, so the tests of the deadline need not wait the default 10 s.
            "WS_CONNECTION_INIT_TIMEOUT_SECONDS": "3",
            # A throwaway folder blob store (tests/blobs runs S3 on s3rver as well).
            "BLOB_DIR": blob_dir,
            # The file mailer's folder: tests read the mails (email change tokens) here.
            "MAIL_DIR": mail_dir,
            # Every query of the suite runs on both executors and must agree.
            "EXECUTOR": "compiled",
            "EXECUTOR_CROSSCHECK": "1",
        }
    shutil.rmtree(blob_dir, ignore_errors=True)
    shutil.rmtree(mail_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def settings(service_env: dict[str, str]) -> Settings:
    return load_settings(**{k.lower(): v for k, v in service_env.items()})


@pytest.fixture(scope="session")
async def migrated(settings: Settings) -> Settings:
    await asyncio.to_thread(migrate_postgres, settings.database_url)
    await migrate_dynamodb(settings, log=lambda _line: None)
    return settings


@dataclass
class LiveServer:
    url: str
    app: Starlette

    @property
    def container(self) -> Container:
        return self.app.state.container

    @property
    def services(self) -> Services:
        return self.app.state.services

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/graphql"


@pytest.fixture(scope="session")
async def server(migrated: Settings) -> AsyncIterator[LiveServer]:
    """A real uvicorn serving the app on a free port, in the tests' event loop."""
    app = create_app(migrated, count_statements=True)
    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
        **uvicorn_options(migrated),
    )
    async with running(config):
        yield LiveServer(f"http://127.0.0.1:{port}", app)


@pytest.fixture
async def client(server: LiveServer) -> AsyncIterator[GraphQLClient]:
    async with GraphQLClient(server.url) as graphql_client:
        yield graphql_client


@pytest.fixture
def journal(server: Any) -> Any:
    """The journal's settings, shared by its workers and read on every poll."""
    return server.services.clients.settings.journal


@pytest.fixture
def fast_workers(journal: Any) -> Any:
    """Poll quickly during a test, as a deployment may choose to."""
    saved = (journal.reminder_poll_seconds, journal.ai_poll_seconds)
    journal.reminder_poll_seconds = 0.2
    journal.ai_poll_seconds = 0.2
    yield journal
    journal.reminder_poll_seconds, journal.ai_poll_seconds = saved


@pytest.fixture
def introspection(server: LiveServer) -> Iterator[Any]:
    """Sets INTROSPECTION for one test when called (it is read per request)."""
    settings = server.services.clients.settings
    saved = settings.introspection
    yield lambda value: setattr(settings, "introspection", value)
    settings.introspection = saved


@pytest.fixture
def persisted_queries(server: LiveServer) -> Iterator[Any]:
    """Sets PERSISTED_QUERIES (and its manifest) for one test when called; read per request."""
    settings = server.services.clients.settings
    saved = (settings.persisted_queries, settings.persisted_queries_manifest)

    def set_mode(mode: str, manifest: Path | None = None) -> None:
        settings.persisted_queries = mode  # type: ignore[assignment]
        settings.persisted_queries_manifest = str(manifest or "")

    yield set_mode
    settings.persisted_queries, settings.persisted_queries_manifest = saved


@pytest.fixture(scope="module")
def graphql_http_installed() -> None:
    """The graphql-http audit's npm package, installed once if missing."""
    install_graphql_http()


@pytest.fixture(autouse=True)
def executors_agree() -> Iterator[None]:
    """Fail a test whose queries the compiled executor answered unlike graphql-core (the
    server turns the AssertionError into a masked INTERNAL error the test may not check)."""
    seen = len(MISMATCHES)
    yield
    new = MISMATCHES[seen:]
    assert not new, "\n\n".join(new)


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    # Apps the tests build from their own settings cross-check too.
    os.environ.setdefault("EXECUTOR_CROSSCHECK", "1")
