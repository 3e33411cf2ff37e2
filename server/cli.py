"""The `personalpod` command: run, serve, worker, migrate, export-schema and chores."""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import secrets
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datastore.kit.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> None:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        args.handler(args)
    except KeyboardInterrupt:
        pass
    except Exception as error:
        # Expected start-up failures say one line; see _fail for which ones.
        _fail(error)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="personalpod",
        description="PersonalPod: one GraphQL API over a person's pod, journal and chat.",
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    _command(
        commands,
        "run",
        _run,
        "Start the embedded services that are not configured, "
        "migrate, and serve (what `make run` does). Data lives in .data/.",
        serve_options=True,
    )
    _command(
        commands,
        "serve",
        _serve,
        "Serve the API with configured services "
        "(DATABASE_URL, DYNAMODB_ENDPOINT, REDIS_URL, MASTER_KEY).",
        serve_options=True,
    )
    worker = _command(
        commands,
        "worker",
        _worker,
        "Run all background work without HTTP (outbox relay, embeddings, sentiment, topics, "
        "insights, media, reminders, exports, purges), niced by WORKER_NICENESS; `serve` "
        "starts WORKER_PROCESSES of these, start more anywhere.",
    )
    worker.add_argument(
        "--parent", type=int, default=None, help="stop when process PARENT is gone (serve sets it)"
    )
    worker.add_argument(
        "--jobs",
        choices=["all", "ai", "other"],
        default="all",
        help="every loop (default), only the AI's (embeddings, sentiment, topics), or the others",
    )
    _command(
        commands,
        "migrate",
        _migrate,
        "Apply PostgreSQL migrations and create missing DynamoDB tables; safe to repeat.",
    )
    export = _command(
        commands,
        "export-schema",
        _export_schema,
        "Print the GraphQL schema (SDL) generated from the code.",
    )
    export.add_argument("--output", "-o", type=Path, help="write to this file instead")
    rotate = _command(
        commands,
        "rotate-master-key",
        _rotate_master_key,
        "Re-wrap every user's data key with a new master key, in batches, while servers run "
        "(see datastore/kit/crypto/__init__.py for the rollout order).",
    )
    rotate.add_argument("--new-key", required=True, help="base64 of the new 32-byte key")
    account = _command(
        commands,
        "create-account",
        _create_account,
        "Add an account (also while SIGN_UP=closed); the password is asked for, or read "
        "from stdin with --password-stdin.",
    )
    account.add_argument("--email", required=True)
    account.add_argument("--username", required=True)
    account.add_argument("--display-name", default=None)
    account.add_argument("--password-stdin", action="store_true", help="read it from stdin")
    purge = _command(
        commands,
        "purge-account",
        _purge_account,
        "Delete an account: signed out at once, purged from every store after "
        "ACCOUNT_DELETION_GRACE_DAYS, or now with --now (each step's count, then the "
        "verification).",
    )
    purge.add_argument("--user", required=True, help="the account's email or username")
    purge.add_argument("--now", action="store_true", help="purge at once, skipping the grace")
    _command(
        commands,
        "shell",
        _shell,
        "A Python console with `settings`, `services` (started) and `run(coroutine)`, on the "
        "configured services or the running dev stack.",
    )
    backup = _command(
        commands,
        "backup",
        _backup,
        "Back up PostgreSQL (one snapshot, pg_dump) and every DynamoDB table into a new "
        "folder, with a manifest of counts and checksums.",
    )
    backup.add_argument("--output", "-o", type=Path, required=True, help="a new folder")
    restore = _command(
        commands,
        "restore",
        _restore,
        "Restore a backup folder into services that hold no data, then check every count.",
    )
    restore.add_argument("folder", type=Path)
    export_account = _command(
        commands,
        "export",
        _export_account,
        "Write one account's data (every domain, secrets decrypted, files) to a new zip "
        "archive, as requestExport does, with a progress bar.",
    )
    export_account.add_argument("--user", required=True, help="the account's email or name")
    export_account.add_argument("--output", "-o", type=Path, required=True, help="a new file")
    import_ = _command(
        commands,
        "import",
        _import_archive,
        "Import the pod and journal of an export archive into an account; importing the "
        "same archive again creates nothing. Prints what was created.",
    )
    import_.add_argument("--user", required=True, help="the account's email or name")
    import_.add_argument("file", type=Path, help="an archive of `personalpod export`")
    audit = _command(
        commands,
        "verify-audit",
        _verify_audit,
        "Check every link and signature of the security audit log; exit 1 naming the first "
        "altered, deleted or forged row.",
    )
    audit.add_argument("--batch-size", type=int, default=1000, help="rows read at a time")
    _command(
        commands,
        "audit-verify-key",
        _audit_verify_key,
        "Print the verify key of AUDIT_SIGNING_KEY (for AUDIT_VERIFY_KEYS_OLD on rotation).",
    )
    _command(commands, "check", _check, "Validate the configuration and reach every service.")
    train = _command(
        commands,
        "train-emotions",
        _train_emotions,
        "Train a new version of the journal's emotion classifier from the labelled texts "
        "(cross-validated, held-out split measured); never overwrites a version.",
    )
    train.add_argument("--data", type=Path, default=ROOT / "tests/ai/labelled/emotions.jsonl")
    train.add_argument("--out-dir", type=Path, default=None, help="default: the shipped models")
    train.add_argument("--name", default="", help="default: the next minilm-emotion-logreg-N")
    train.add_argument("--per-class", type=int, default=0, help="first N texts per label, split")
    train.add_argument("--folds", type=int, default=5, help="cross-validation folds")
    _command(
        commands,
        "generate-key",
        _generate_key,
        "Print a new random key (MASTER_KEY, AUDIT_HASH_KEY, AUDIT_SIGNING_KEY).",
    )
    _command(
        commands,
        "generate-vault-setup",
        _generate_vault_setup,
        "Print a new VAULT_SERVER_SETUP (the OPAQUE server secret of secret tags).",
    )
    return parser


def _command(
    commands: argparse._SubParsersAction,
    name: str,
    handler: Callable,
    help_: str,
    *,
    serve_options: bool = False,
) -> argparse.ArgumentParser:
    command = commands.add_parser(name, help=help_, description=help_)
    command.set_defaults(handler=handler)
    if serve_options:
        command.add_argument("--host", default=None, help="address to bind (env HOST)")
        command.add_argument("--port", type=int, default=None, help="port (env PORT)")
        command.add_argument(
            "--workers", type=int, default=None, help="processes; 0 = one per core (env WORKERS)"
        )
        command.add_argument(
            "--no-worker",
            action="store_true",
            help="serve the API only, start no `personalpod worker` child: background work "
            "runs elsewhere (env WORKER_PROCESSES=0)",
        )
    return command


def _fail(error: BaseException) -> None:
    from datastore.kit.clients import ServiceUnavailable
    from datastore.kit.settings import ConfigurationError
    from server.backup.manifest import BackupError
    from server.embedded import ServiceStartError

    expected = (ConfigurationError, ServiceUnavailable, ServiceStartError, BackupError)
    if isinstance(error, expected):
        print(f"personalpod: {error}", file=sys.stderr)
        sys.exit(2)
    raise error


def _settings(*, dev: bool = False):
    """The settings; with `dev`, unset ones may come from a running `personalpod run`."""
    from datastore.kit.settings import get_settings
    from server.graphql.allowlist import active_manifest

    if dev:
        from server import dev_stack

        dev_stack.adopt()
    settings = get_settings()
    active_manifest(settings)  # a bad persisted-query manifest is a bad setting too
    return settings


def _check_embedding_model(settings: Settings) -> None:
    """Before serving: a model that must match its manifest is checked (and, the first
    time, reassembled from its packages), so a wrong file stops here with one line. The
    processes started next (uvicorn's, the worker children) trust this check."""
    from datastore.kit.ai.embedder import configured_embedder

    configured_embedder(settings).vouch_for_children()


def _run(args: argparse.Namespace) -> None:
    """Development: embedded services for whatever is not configured, then serve."""
    from dotenv import dotenv_values

    from server import dev_stack
    from server.embedded import start_services

    data_dir = dev_stack.data_dir()
    from_file = {k: v for k, v in dotenv_values(ROOT / ".env").items() if v is not None}
    configured = {**from_file, **os.environ}
    dev_stack.validate_before_start(configured)
    with start_services(
        data_dir=data_dir, configured=configured, cache_dir=ROOT / ".cache"
    ) as services:
        os.environ.update(services.env)
        # Development: GraphiQL may load the schema before anyone signs in.
        os.environ.setdefault("INTROSPECTION", configured.get("INTROSPECTION", "public"))
        published = dict(services.env)
        if not configured.get("BLOB_DIR"):
            os.environ["BLOB_DIR"] = published["BLOB_DIR"] = str(dev_stack.blob_dir())
        if not configured.get("MAIL_DIR") and not configured.get("SMTP_HOST"):
            os.environ["MAIL_DIR"] = published["MAIL_DIR"] = str(dev_stack.mail_dir())
        if not configured.get("MASTER_KEY"):
            os.environ["MASTER_KEY"] = published["MASTER_KEY"] = _dev_master_key(data_dir)
        for name, file in dev_stack.DEV_AUDIT_KEYS.items():
            if not configured.get(name):
                os.environ[name] = published[name] = _dev_master_key(data_dir, file)
        if not configured.get("VAULT_SERVER_SETUP"):
            os.environ["VAULT_SERVER_SETUP"] = _dev_vault_setup(data_dir)
        with dev_stack.published(published):
            _migrate(args)
            _serve(args)


def _dev_master_key(data_dir: Path, file: str = "master.key") -> str:
    """A development key (master, audit) kept beside the data it protects."""
    path = data_dir / file
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(base64.b64encode(secrets.token_bytes(32)).decode())
        path.chmod(0o600)
    return path.read_text().strip()


def _dev_vault_setup(data_dir: Path) -> str:
    """A development OPAQUE server setup kept beside the data, so tags survive restarts."""
    from datastore.kit.crypto.opaque import new_server_setup

    path = data_dir / "vault-setup.key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(new_server_setup())
        path.chmod(0o600)
    return path.read_text().strip()


def _serve(args: argparse.Namespace) -> None:
    from server.observability import multiprocess

    settings = _settings()
    _check_embedding_model(settings)
    workers = args.workers if args.workers is not None else settings.workers
    workers = workers or os.cpu_count() or 1
    children = worker_children(settings, no_worker=args.no_worker)
    # Before anything imports prometheus-client, which picks its storage on import. The
    # worker children write there too: the relay's and the jobs' figures are in /metrics.
    metrics_dir = multiprocess.prepare(workers + children)
    try:
        _serve_with(args, settings, workers, children)
    finally:
        multiprocess.remove(metrics_dir)


def worker_children(settings: Settings, *, no_worker: bool = False) -> int:
    """How many `personalpod worker` children serve supervises: none when background work
    runs in the API processes or elsewhere."""
    if settings.run_workers_in_process or no_worker:
        return 0
    return settings.worker_processes


def background_work(settings: Settings, children: int) -> str:
    """Where background work runs, for the startup line."""
    if settings.run_workers_in_process:
        return "in every server process (RUN_WORKERS_IN_PROCESS=true)"
    if not children:
        return "elsewhere: no worker child (run `personalpod worker`)"
    return (
        f"{children} `personalpod worker` child(ren) (AI jobs and the others in a process "
        f"each), nice {settings.worker_niceness}"
    )


def _serve_with(args: argparse.Namespace, settings: Settings, workers: int, children: int) -> None:
    import structlog

    from server.logging import configure_logging
    from server.observability import multiprocess
    from server.worker_supervisor import sigterm_after_cleanup, supervised_workers

    host = args.host or os.environ.get("HOST") or settings.host
    port = args.port or int(os.environ.get("PORT") or settings.port)
    _refuse_taken_port(host, port)
    asyncio.run(_reach_services(settings))
    multiprocess.process_exiting()  # the supervisor serves nothing: its pool is no worker's
    # In the log stream's own shape: the supervisor's lines and the workers' are one stream.
    configure_logging(settings.log_level, settings.log_format)
    structlog.get_logger("personalpod.cli").info(
        "serving",
        url=f"http://{host}:{port}/graphql",
        workers=workers,
        background_work=background_work(settings, children),
    )
    with sigterm_after_cleanup(), supervised_workers(children, niceness=settings.worker_niceness):
        _uvicorn_run(host, port, workers, settings)


def _uvicorn_run(host: str, port: int, workers: int, settings: Settings) -> None:
    import uvicorn

    from server.logging import uvicorn_log_config

    uvicorn.run(
        "server.app:create_app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        loop="uvloop",
        http="httptools",
        **uvicorn_options(settings),
        access_log=False,  # RequestIdMiddleware logs each request, with more in it
        log_config=uvicorn_log_config(settings.log_level, settings.log_format),
        log_level=settings.log_level,
        timeout_graceful_shutdown=10,
    )


def _refuse_taken_port(host: str, port: int) -> None:
    """Fail before saying "serving" when another process listens on the address."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind((host, port))
        except OSError as error:
            raise SystemExit(
                f"personalpod: cannot listen on {host}:{port} ({error.strerror}); "
                "is another server running there? Set PORT (or --port) to another port."
            ) from error


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """How uvicorn speaks websockets and reads client addresses, in production and tests."""
    return {
        "ws": "websockets-sansio",
        "ws_per_message_deflate": False,  # 24 KB instead of 65 KB per socket
        # A frame is capped like an HTTP body; a bigger one closes the socket with 1009.
        "ws_max_size": settings.max_request_bytes,
        **proxy_options(settings),
    }


def proxy_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's X-Forwarded-For handling: only from the configured proxies, if any.

    uvicorn then takes the right-most address that is not a trusted proxy: the one the
    last trusted proxy saw, which a client cannot forge by sending the header itself."""
    if not settings.forwarded_allow_ips.strip():
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": settings.forwarded_allow_ips}


async def _reach_services(settings) -> None:
    from datastore.kit.clients import Clients

    clients = Clients.build(settings)
    try:
        await clients.dynamo.start()
        await clients.check()
    finally:
        await clients.dynamo.stop()
        await clients.redis.aclose()
        await clients.engine.dispose()


def _worker(args: argparse.Namespace) -> None:
    from server.worker import run_worker

    run_worker(_settings(dev=True), parent=args.parent, jobs=args.jobs)


def _migrate(_args: argparse.Namespace) -> None:
    from server.migrate import migrate_dynamodb, migrate_postgres

    settings = _settings(dev=True)
    asyncio.run(_reach_services(settings))
    print("postgres: migrating", file=sys.stderr)
    migrate_postgres(settings.database_url)
    asyncio.run(migrate_dynamodb(settings, log=lambda line: print(line, file=sys.stderr)))
    print("personalpod: migrations applied", file=sys.stderr)


def _export_schema(args: argparse.Namespace) -> None:
    from server.schema_export import schema_sdl

    sdl = schema_sdl()
    if args.output:
        args.output.write_text(sdl)
        print(f"personalpod: wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(sdl)


def _rotate_master_key(args: argparse.Namespace) -> None:
    from server.keys_cli import rotate

    asyncio.run(rotate(_settings(), args.new_key))


def _create_account(args: argparse.Namespace) -> None:
    from server.accounts_cli import create_account, read_password

    settings = _settings(dev=True)
    password = read_password(args.password_stdin)
    asyncio.run(
        create_account(
            settings,
            email=args.email,
            username=args.username,
            display_name=args.display_name,
            password=password,
        )
    )


def _purge_account(args: argparse.Namespace) -> None:
    from server.lifecycle_cli import purge_account

    asyncio.run(purge_account(_settings(dev=True), login=args.user, now=args.now))


def _shell(_args: argparse.Namespace) -> None:
    from server.shell import interact

    interact(_settings(dev=True))


def _backup(args: argparse.Namespace) -> None:
    from server.backup.run import backup

    asyncio.run(backup(_settings(dev=True), args.output))


def _restore(args: argparse.Namespace) -> None:
    from server.backup.run import restore

    asyncio.run(restore(_settings(dev=True), args.folder))


def _export_account(args: argparse.Namespace) -> None:
    from server.exports_cli import export_account

    asyncio.run(export_account(_settings(dev=True), args.user, args.output))


def _import_archive(args: argparse.Namespace) -> None:
    from server.exports_cli import import_archive

    asyncio.run(import_archive(_settings(dev=True), args.user, args.file))


def _check(_args: argparse.Namespace) -> None:
    settings = _settings(dev=True)
    _check_embedding_model(settings)
    asyncio.run(_reach_services(settings))
    print("personalpod: configuration valid; postgres, dynamodb and redis reachable")


def _train_emotions(args: argparse.Namespace) -> None:
    from datastore.kit.ai.emotions import MODELS_DIR
    from datastore.kit.ai.training import emotion_run

    if args.folds < 2 or args.per_class < 0 or 0 < args.per_class < args.folds:
        raise SystemExit("personalpod: --folds must be at least 2, --per-class 0 or >= --folds")
    if not args.data.is_file():
        raise SystemExit(f"personalpod: no labelled texts at {args.data}")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        emotion_run(
            args.data,
            args.out_dir or MODELS_DIR,
            name=args.name,
            per_class=args.per_class,
            folds=args.folds,
            progress=lambda line: print(line, flush=True),
        )
    except FileExistsError as error:
        raise SystemExit(
            f"personalpod: {error} exists: a trained version is never overwritten "
            "(stored analyses name it); give another --name"
        ) from None


def _verify_audit(args: argparse.Namespace) -> None:
    from server.audit_cli import verify

    if args.batch_size < 1:
        raise SystemExit("personalpod: --batch-size must be at least 1")
    sys.exit(asyncio.run(verify(_settings(dev=True), batch_size=args.batch_size)))


def _audit_verify_key(_args: argparse.Namespace) -> None:
    from server.audit_cli import print_verify_key

    print_verify_key(_settings(dev=True))


def _generate_key(_args: argparse.Namespace) -> None:
    print(base64.b64encode(secrets.token_bytes(32)).decode())


def _generate_vault_setup(_args: argparse.Namespace) -> None:
    from datastore.kit.crypto.opaque import new_server_setup

    print(new_server_setup())


if __name__ == "__main__":
    main()
