"""`personalpod verify-audit` and `audit-verify-key`: check the security audit log's chain,
and name the signing key (for AUDIT_VERIFY_KEYS_OLD when it is rotated)."""

from __future__ import annotations

import base64
import sys

from tqdm import tqdm

from datastore.kit.postgres import create_engine, create_read_session_factory
from datastore.kit.settings import Settings
from datastore.security_audit.chain import EXPLANATIONS
from datastore.security_audit.service import audit_keys
from datastore.security_audit.verify import Verification, count_rows, verify_chain


async def verify(settings: Settings, *, batch_size: int) -> int:
    """Walk the whole chain; print what was verified, or the first bad row. The exit code."""
    keys = audit_keys(settings)
    engine = create_engine(settings.database_url, pool_size=1)
    db = create_read_session_factory(engine)
    try:
        total = await count_rows(db)
        # tqdm draws on a terminal only, so logs and tests read just the verdict.
        with tqdm(total=total, unit="rows", file=sys.stderr, disable=None) as bar:
            result = await verify_chain(db, keys, batch_size=batch_size, progress=bar.update)
    finally:
        await engine.dispose()
    print(_verdict(result), file=sys.stdout if result.ok else sys.stderr)
    return 0 if result.ok else 1


def _verdict(result: Verification) -> str:
    if result.reason is None:
        head = "empty" if result.head_id is None else f"row {result.head_id}"
        return (
            f"personalpod: security audit log verified: {result.verified} rows, "
            f"every link and signature good; last {head} (hash {result.head_hash.hex()})"
        )
    return (
        f"personalpod: security audit log BROKEN at row {result.broken_id} "
        f"({result.reason.value}): {EXPLANATIONS[result.reason]}. "
        f"{result.verified} rows before it verified."
    )


def print_verify_key(settings: Settings) -> None:
    keys = audit_keys(settings)
    verify_key = base64.b64encode(bytes(keys.signing_key.verify_key)).decode()
    print(verify_key)
    print(
        f"personalpod: verify key of AUDIT_SIGNING_KEY (key id {keys.current_key_id}); after "
        "rotating the signing key, add it to AUDIT_VERIFY_KEYS_OLD",
        file=sys.stderr,
    )
