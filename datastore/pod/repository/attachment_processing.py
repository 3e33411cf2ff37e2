"""The media job's queue over `attachments` (statements in datastore/kit/processing.py)."""

from __future__ import annotations

from datastore.kit.processing import ProcessingQueue

ATTACHMENT_QUEUE = ProcessingQueue("attachments")
