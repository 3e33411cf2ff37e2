"""`personalpod backup` and `restore`: every durable store into a folder and back into
fresh services, where the same people sign in and read the same things."""

from __future__ import annotations

import asyncio
import gzip
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from server.backup import postgres
from server.embedded import start_services
from tests.support.cli import personalpod
from tests.support.client import Account, GraphQLClient
from tests.support.files import ATTACHMENTS, add_attachment, files_holding, png_bytes
from tests.support.pod import create_entry
from tests.support.processes import server_process

ROOT = Path(__file__).resolve().parents[2]
SIGN_IN = """
mutation($input: SignInInput!) { signIn(input: $input) { token } }
"""
READ = """
query { entries(first: 50) { edges { node { title secret { password } } } } }
"""


@pytest.fixture(scope="module")
def fresh_services(service_env: dict[str, str]) -> Iterator[dict[str, str]]:
    """Empty PostgreSQL, DynamoDB Local and Redis, with the suite's keys and table prefix."""
    blob_dir = tempfile.mkdtemp(prefix="pp-restored-blobs-")
    with start_services(data_dir=None, configured={}, cache_dir=ROOT / ".cache") as services:
        yield {**service_env, **services.env, "BLOB_DIR": blob_dir}
    shutil.rmtree(blob_dir, ignore_errors=True)


async def _processed(
    client: GraphQLClient, account: Account, entry_id: str, server: Any
) -> tuple[bytes, bytes]:
    """The image as stored (upright, without EXIF) and its thumbnail, once the media job
    has made them."""
    for _ in range(100):
        await server.services.media.run_once()
        listed = await client.data(ATTACHMENTS, {"id": entry_id}, token=account.token)
        [node] = [e["node"] for e in listed["entry"]["attachments"]["edges"]]
        if node["status"] == "READY" and node["thumbnailUrl"]:
            async with httpx.AsyncClient() as http:
                image = await http.get(node["downloadUrl"])
                return image.content, (await http.get(node["thumbnailUrl"])).content
        await asyncio.sleep(0.1)
    raise AssertionError("no thumbnail was made")


def _manifest(folder: Path) -> dict[str, Any]:
    return orjson.loads((folder / "manifest.json").read_bytes())


async def _rows(env: dict[str, str]) -> dict[str, int]:
    return await postgres.row_counts(env["DATABASE_URL"])


async def test_a_restored_backup_has_the_same_counts_and_its_people_read_their_entries(
    client: GraphQLClient,
    server: Any,
    service_env: dict[str, str],
    fresh_services: dict[str, str],
    tmp_path: Path,
) -> None:
    # given: someone with a note, a password and a scan with its thumbnail
    account = await client.sign_up()
    await create_entry(client, account, title="Backed-up note", body="kept safe")
    await create_entry(
        client, account, kind="PASSWORD", title="Bank", password={"secret": "hunter2-xyz"}
    )
    scan = png_bytes((300, 200), "teal")
    document = await create_entry(client, account, kind="DOCUMENT", title="Scan")
    assert "errors" not in await add_attachment(client, account, document["id"], "scan.png", scan)
    stored, thumbnail = await _processed(client, account, document["id"], server)
    folder = tmp_path / "backup"

    # when
    backed_up = await asyncio.to_thread(personalpod, "backup", "-o", str(folder), env=service_env)
    restored = await asyncio.to_thread(personalpod, "restore", str(folder), env=fresh_services)

    # then
    assert backed_up.returncode == 0, backed_up.stderr
    manifest = _manifest(folder)
    assert manifest["postgres_rows"]["users"] >= 1
    assert manifest["postgres_rows"]["entries"] >= 2
    assert manifest["dynamodb_items"]["sessions"] >= 1
    assert manifest["blob_count"] >= 2
    assert manifest["blob_bytes"] >= len(stored) + len(thumbnail)
    assert restored.returncode == 0, restored.stderr
    assert "counts verified" in restored.stderr
    assert await _rows(fresh_services) == manifest["postgres_rows"]
    async with server_process(fresh_services) as url, GraphQLClient(url) as restored_client:
        signed_in = await restored_client.data(
            SIGN_IN,
            {"input": {"login": account.email, "password": account.password, "deviceName": "x"}},
        )
        token = signed_in["signIn"]["token"]
        # The session issued before the backup still works: sessions are in DynamoDB.
        assert (await restored_client.data("{ me { id } }", token=account.token))["me"]
        entries = (await restored_client.data(READ, token=token))["entries"]["edges"]
        files = await restored_client.data(ATTACHMENTS, {"id": document["id"]}, token=token)
        [restored_file] = [e["node"] for e in files["entry"]["attachments"]["edges"]]
        async with httpx.AsyncClient() as http:
            assert (await http.get(restored_file["downloadUrl"])).content == stored
            assert (await http.get(restored_file["thumbnailUrl"])).content == thumbnail
    titles = {edge["node"]["title"] for edge in entries}
    assert titles == {"Backed-up note", "Bank", "Scan"}
    secrets = [e["node"]["secret"] for e in entries if e["node"].get("secret")]
    assert secrets == [{"password": "hunter2-xyz"}]


async def test_restore_into_services_that_hold_data_is_refused_and_changes_nothing(
    client: GraphQLClient,
    service_env: dict[str, str],
    fresh_services: dict[str, str],
    tmp_path: Path,
) -> None:
    # given: a backup of the running stack, and services that hold data but serve no one:
    # the suite's own server runs background workers that drain queues meanwhile
    await client.sign_up()
    folder = tmp_path / "backup"
    backed_up = await asyncio.to_thread(personalpod, "backup", "-o", str(folder), env=service_env)
    assert backed_up.returncode == 0, backed_up.stderr
    if not (await _rows(fresh_services))["users"]:
        filled = await asyncio.to_thread(personalpod, "restore", str(folder), env=fresh_services)
        assert filled.returncode == 0, filled.stderr
    before = await _rows(fresh_services)

    # when
    result = await asyncio.to_thread(personalpod, "restore", str(folder), env=fresh_services)

    # then
    assert result.returncode == 2
    assert "empty services only" in result.stderr
    assert "PostgreSQL users" in result.stderr
    assert "Nothing was changed" in result.stderr
    assert await _rows(fresh_services) == before


async def test_a_damaged_backup_is_refused_before_anything_is_written(
    client: GraphQLClient, service_env: dict[str, str], tmp_path: Path
) -> None:
    # given: a backup one of whose DynamoDB files was altered afterwards
    await client.sign_up()
    folder = tmp_path / "backup"
    backed_up = await asyncio.to_thread(personalpod, "backup", "-o", str(folder), env=service_env)
    assert backed_up.returncode == 0, backed_up.stderr
    sessions = folder / "dynamodb" / "sessions.jsonl.gz"
    lines = gzip.decompress(sessions.read_bytes()).splitlines()
    sessions.write_bytes(gzip.compress(b"\n".join(lines[1:]) + b"\n"))

    # when
    result = await asyncio.to_thread(personalpod, "restore", str(folder), env=service_env)

    # then: refused on the checksum, before the services were even looked at
    assert result.returncode == 2
    assert "dynamodb/sessions.jsonl.gz fails its checksum" in result.stderr


@pytest.mark.parametrize("problem", ["not-a-backup", "not-empty"])
def test_bad_folders_get_a_clear_error(
    problem: str, service_env: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "something.txt").write_text("mine")
    command = ["restore", str(tmp_path)]
    if problem == "not-empty":
        command = ["backup", "-o", str(tmp_path)]

    result = personalpod(*command, env=service_env)

    assert result.returncode == 2
    expected = "has no manifest.json" if problem == "not-a-backup" else "is not empty"
    assert expected in result.stderr
    assert (tmp_path / "something.txt").read_text() == "mine"


async def test_a_backup_with_a_damaged_blob_is_refused_before_anything_is_written(
    client: GraphQLClient,
    service_env: dict[str, str],
    fresh_services: dict[str, str],
    tmp_path: Path,
) -> None:
    # given: a backup with a file whose copy was altered afterwards
    account = await client.sign_up()
    document = await create_entry(client, account, kind="DOCUMENT", title="Letter")
    letter = b"Dear pod, keep this letter. " * 40
    await add_attachment(client, account, document["id"], "letter.txt", letter, "text/plain")
    folder = tmp_path / "backup"
    backed_up = await asyncio.to_thread(personalpod, "backup", "-o", str(folder), env=service_env)
    assert backed_up.returncode == 0, backed_up.stderr
    [copy] = [p for p in (folder / "blobs").glob("??/*") if p.read_bytes() == letter]
    copy.write_bytes(letter.replace(b"keep", b"burn"))
    before = await _rows(fresh_services)

    # when
    result = await asyncio.to_thread(personalpod, "restore", str(folder), env=fresh_services)

    # then
    assert result.returncode == 2
    assert f"blob {copy.name} fails its checksum" in result.stderr
    assert await _rows(fresh_services) == before


async def test_a_blob_lost_from_the_store_is_named_and_the_rest_is_backed_up(
    client: GraphQLClient, service_env: dict[str, str], tmp_path: Path
) -> None:
    # given: a file whose bytes someone deleted from the blob folder behind the rows' back
    account = await client.sign_up()
    document = await create_entry(client, account, kind="DOCUMENT", title="Lost")
    lost = f"lost file {tmp_path.name}".encode()
    await add_attachment(client, account, document["id"], "lost.txt", lost, "text/plain")
    [key] = files_holding(Path(service_env["BLOB_DIR"]), lost)
    (Path(service_env["BLOB_DIR"]) / key[:2] / key).unlink()
    folder = tmp_path / "backup"

    # when
    backed_up = await asyncio.to_thread(personalpod, "backup", "-o", str(folder), env=service_env)

    # then: the backup completes, says which blob it could not copy, and lists it
    assert backed_up.returncode == 0, backed_up.stderr
    assert f"WARNING: blob {key} is MISSING" in backed_up.stderr
    manifest = _manifest(folder)
    assert manifest["blobs_unreadable"][key] == "MISSING"
    assert not (folder / "blobs" / key[:2] / key).exists()
    assert key not in (folder / "blobs" / "index.jsonl").read_text()
