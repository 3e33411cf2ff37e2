"""`personalpod export` and `personalpod import`, run as an operator would."""

from __future__ import annotations

import asyncio
import zipfile
from pathlib import Path

from tests.exports.support import items, open_archive
from tests.support.cli import personalpod
from tests.support.client import GraphQLClient
from tests.support.pod import create_entry

TITLES = "query { entries(first: 100) { edges { node { title } } } }"
AUDIT = "query { securityAuditLog(first: 20) { edges { node { type } } } }"


async def test_an_operator_exports_an_account_and_imports_it_into_another(
    client: GraphQLClient, service_env: dict[str, str], tmp_path: Path
) -> None:
    # given: an account with a password entry, and an empty one
    me, fresh = await client.sign_up(), await client.sign_up()
    await create_entry(client, me, kind="PASSWORD", title="Mail", password={"secret": "s3cret"})
    output = tmp_path / "me.zip"

    # when: the operator exports the first and imports the archive into the second, twice
    exported = await asyncio.to_thread(
        personalpod, "export", "--user", me.email, "-o", str(output), env=service_env
    )
    imported = await asyncio.to_thread(
        personalpod, "import", "--user", fresh.username, str(output), env=service_env
    )
    again = await asyncio.to_thread(
        personalpod, "import", "--user", fresh.username, str(output), env=service_env
    )

    # then: a progress bar and a summary, an archive with the secret, the entry imported once
    assert exported.returncode == 0, exported.stderr
    assert "export:" in exported.stderr and "19/19" in exported.stderr
    assert f"to {output}" in exported.stderr
    files = open_archive(output.read_bytes())
    assert [e["secrets"] for e in items(files, "pod/entries.json")] == [{"password": "s3cret"}]
    assert imported.returncode == 0, imported.stderr
    assert "import:" in imported.stderr and "pod.entries: 1 created, 0 skipped" in imported.stderr
    assert again.returncode == 0, again.stderr
    assert "pod.entries: 0 created, 1 skipped" in again.stderr
    titles = await client.data(TITLES, token=fresh.token)
    assert [e["node"]["title"] for e in titles["entries"]["edges"]] == ["Mail"]
    # and both are in the accounts' security audit logs
    mine = (await client.data(AUDIT, token=me.token))["securityAuditLog"]["edges"]
    assert "EXPORT_REQUESTED" in [e["node"]["type"] for e in mine]
    theirs = (await client.data(AUDIT, token=fresh.token))["securityAuditLog"]["edges"]
    assert [e["node"]["type"] for e in theirs].count("EXPORT_IMPORTED") == 2


async def test_bad_operator_input_gets_a_clear_error_and_changes_nothing(
    client: GraphQLClient, service_env: dict[str, str], tmp_path: Path
) -> None:
    # given: an account, a file that exists, and a file that is no archive
    me = await client.sign_up()
    taken = tmp_path / "taken.zip"
    taken.write_text("mine")
    text = tmp_path / "notes.zip"
    text.write_text("not a zip at all")

    # when
    nobody = await asyncio.to_thread(
        personalpod,
        "export",
        "--user",
        "nobody@example.com",
        "-o",
        str(tmp_path / "x.zip"),
        env=service_env,
    )
    exists = await asyncio.to_thread(
        personalpod, "export", "--user", me.email, "-o", str(taken), env=service_env
    )
    not_zip = await asyncio.to_thread(
        personalpod, "import", "--user", me.email, str(text), env=service_env
    )

    # then: exit status 2, one line saying why, nothing written or imported
    assert nobody.returncode == 2 and "no account 'nobody@example.com'" in nobody.stderr
    assert not (tmp_path / "x.zip").exists()
    assert exists.returncode == 2 and "exists; choose a new file" in exists.stderr
    assert taken.read_text() == "mine"
    assert not_zip.returncode == 2 and "not a zip archive" in not_zip.stderr
    assert (await client.data(TITLES, token=me.token))["entries"]["edges"] == []
    assert not zipfile.is_zipfile(text)
