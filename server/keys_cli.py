"""`personalpod rotate-master-key`: re-wrap every data key, printing progress."""

from __future__ import annotations

import base64
import binascii
import sys

from datastore.kit.crypto.keyring import MasterKeyring
from datastore.kit.postgres import create_engine, create_session_factory
from datastore.kit.settings import ConfigurationError, Settings
from datastore.pod.service.rotation import rotate_master_key


def parse_key(value: str) -> bytes:
    try:
        key = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise ConfigurationError("--new-key must be base64 of 32 bytes (personalpod generate-key)")
    return key


async def rotate(settings: Settings, new_key: str) -> None:
    """Unwrap with MASTER_KEY or MASTER_KEYS_OLD, wrap with the new key."""
    key = parse_key(new_key)
    known = [settings.master_key_bytes, *settings.old_master_keys]
    keyring = MasterKeyring(key, known)
    engine = create_engine(settings.database_url, pool_size=2)

    def progress(done: int, total: int) -> None:
        print(f"rotate-master-key: {done}/{total} data keys re-wrapped", file=sys.stderr)

    try:
        count = await rotate_master_key(create_session_factory(engine), keyring, progress=progress)
    finally:
        await engine.dispose()
    print(
        f"personalpod: {count} data keys now wrapped by master key {keyring.current_id}",
        file=sys.stderr,
    )
