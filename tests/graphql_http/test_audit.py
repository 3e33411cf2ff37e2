"""The graphql-http conformance audit (every MUST, SHOULD and MAY) against the endpoint."""

from __future__ import annotations

import json

from tests.support.audit import MIN_AUDITS, run_audit
from tests.support.graphql_http import build_app, serve


async def test_audit_passes_every_check(graphql_http_installed: None) -> None:
    # when
    async with serve(build_app()) as url:
        results = await run_audit(f"{url}/graphql")

    # then
    failures = [r for r in results if r["status"] != "ok"]
    assert not failures, json.dumps(failures, indent=1)
    assert len(results) >= MIN_AUDITS
