"""The signed security audit log: a hash chain of Ed25519-signed rows, hashed PII only.

Revision ID: 0007_security_audit_log
Revises: 0006_journal_tag_version
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_security_audit_log"
down_revision = "0006_journal_tag_version"
branch_labels = None
depends_on = None

HASHES = ("prev_hash", "row_hash", "user_hash", "session_hash", "ip_hash", "user_agent_hash")


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.create_table(
        "security_audit_logs",
        # BY DEFAULT: the appender takes the id first, because the row's hash covers it.
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("version", sa.SmallInteger(), nullable=False),
        sa.Column("prev_hash", sa.LargeBinary(), nullable=False),
        sa.Column("row_hash", sa.LargeBinary(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("event_type", sa.String(40), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.Column("user_hash", sa.LargeBinary()),
        sa.Column("session_hash", sa.LargeBinary()),
        sa.Column("ip_hash", sa.LargeBinary()),
        sa.Column("user_agent_hash", sa.LargeBinary()),
        sa.Column("correlation_id", sa.String(64)),
        sa.Column("request_id", sa.String(64)),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("error_code", sa.String(40)),
        sa.Column("processing_time_ms", sa.Integer()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_security_audit_logs"),
        # Two rows after the same one would fork the chain: the database refuses it.
        sa.UniqueConstraint("prev_hash", name="uq_security_audit_logs_prev_hash"),
        *(
            sa.CheckConstraint(f"{name} IS NULL OR octet_length({name}) = 32", name=name)
            for name in HASHES
        ),
        sa.CheckConstraint("octet_length(signature) = 64", name="signature"),
        sa.CheckConstraint("severity IN ('INFO', 'WARNING', 'CRITICAL')", name="severity"),
        sa.CheckConstraint("char_length(message) <= 500", name="message_length"),
    )
    op.create_index(
        "ix_security_audit_logs_user_hash_id", "security_audit_logs", ["user_hash", "id"]
    )
    # Append-only for the application: an UPDATE or DELETE is refused. Whoever owns the
    # table can still get round it, which is what the chain and `verify-audit` catch.
    op.execute(
        """
        CREATE FUNCTION security_audit_logs_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'security_audit_logs is append-only';
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER security_audit_logs_append_only"
        " BEFORE UPDATE OR DELETE OR TRUNCATE ON security_audit_logs"
        " FOR EACH STATEMENT EXECUTE FUNCTION security_audit_logs_append_only()"
    )


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.drop_table("security_audit_logs")
    op.execute("DROP FUNCTION security_audit_logs_append_only()")
