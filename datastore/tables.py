"""Every SQLAlchemy table and DynamoDB table spec, imported in one place.

Alembic, `migrate` and the tests import this module so the metadata and the DynamoDB
table registry are complete. A new domain adds its `tables` and `items` modules here.
"""

from datastore.accounts import items as accounts_items
from datastore.accounts import tables as accounts_tables
from datastore.assistant import items as assistant_items
from datastore.audit import tables as audit_tables
from datastore.chat import items as chat_items
from datastore.chat import tables as chat_tables
from datastore.exports import tables as exports_tables
from datastore.insights import tables as insights_tables
from datastore.journal import tables as journal_tables
from datastore.notifications import items as notifications_items
from datastore.outbox import tables as outbox_tables
from datastore.people import tables as people_tables
from datastore.pod import share_tables as pod_share_tables
from datastore.pod import tables as pod_tables
from datastore.security_audit import tables as security_audit_tables
from datastore.sync import items as sync_items
from datastore.vault import tables as vault_tables

MODULES = (
    accounts_items,
    accounts_tables,
    assistant_items,
    audit_tables,
    chat_items,
    chat_tables,
    exports_tables,
    insights_tables,
    journal_tables,
    notifications_items,
    outbox_tables,
    people_tables,
    pod_tables,
    security_audit_tables,
    pod_share_tables,
    sync_items,
    vault_tables,
)
