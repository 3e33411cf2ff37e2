"""The development stack of `personalpod run`, reachable from other commands.

`run` writes the URLs of the services it started (and the dev master and audit keys) to
`<data dir>/dev.env` and deletes the file when it stops; `check`, `migrate`, `worker`,
`shell` and `create-account` read it for whatever the environment and `.env` leave unset,
so an operator can point a worker, psql or a script at the running dev stack. The data
dir is `.data/` in the checkout, or `PERSONALPOD_DATA_DIR`.
"""

from __future__ import annotations

import base64
import contextlib
import os
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

from dotenv import dotenv_values

from datastore.kit.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
DEV_ENV = "dev.env"
# Stand-ins for what `run` provides itself, so every other setting is checked first.
_PLACEHOLDERS = {
    "DATABASE_URL": "postgresql://embedded/placeholder",
    "REDIS_URL": "redis://embedded",
    "MASTER_KEY": base64.b64encode(bytes(32)).decode(),
    "AUDIT_HASH_KEY": base64.b64encode(bytes(32)).decode(),
    "AUDIT_SIGNING_KEY": base64.b64encode(bytes(32)).decode(),
}
# The security audit log's development keys, generated into these files of the data dir.
DEV_AUDIT_KEYS = {"AUDIT_HASH_KEY": "audit-hash.key", "AUDIT_SIGNING_KEY": "audit-signing.key"}
SECRETS = ("MASTER_KEY", *DEV_AUDIT_KEYS)


def data_dir() -> Path:
    return Path(os.environ.get("PERSONALPOD_DATA_DIR") or ROOT / ".data")


def blob_dir() -> Path:
    """The folder blob store of `personalpod run`: beside the other dev data."""
    return data_dir() / "blobs"


def mail_dir() -> Path:
    """Where the file mailer of `personalpod run` writes (email change tokens to read)."""
    return data_dir() / "mail"


def validate_before_start(configured: Mapping[str, str]) -> None:
    """Raise ConfigurationError for a bad setting before any service starts."""
    stand_ins = {k.lower(): v for k, v in _PLACEHOLDERS.items() if not configured.get(k)}
    load_settings(**stand_ins)


@contextlib.contextmanager
def published(env: Mapping[str, str]) -> Iterator[Path]:
    """Print the dev services' settings and keep them in dev.env while the block runs."""
    path = data_dir() / DEV_ENV
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"{name}={value}" for name, value in env.items()]
    path.touch(mode=0o600)
    path.write_text("".join(line + "\n" for line in lines))
    for line in lines:
        if not line.startswith(tuple(f"{name}=" for name in SECRETS)):
            print(f"personalpod: dev service {line}", file=sys.stderr)
    print(f"personalpod: their settings are in {path} for other commands", file=sys.stderr)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def adopt() -> None:
    """Take the running dev stack's settings for what the environment and .env leave unset."""
    path = data_dir() / DEV_ENV
    if not path.exists():
        return
    from_file = dotenv_values(".env") if Path(".env").exists() else {}
    adopted = []
    for name, value in dotenv_values(path).items():
        if value is not None and name not in os.environ and name not in from_file:
            os.environ[name] = value
            adopted.append(name)
    if adopted:
        names = ", ".join(adopted)
        print(f"personalpod: using the dev stack's {names} from {path}", file=sys.stderr)
