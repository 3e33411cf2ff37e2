"""The README.md inside every archive (and docs/EXPORTS.md), generated from the section
definitions, so the documentation of a format cannot drift from what is written."""

from __future__ import annotations

from collections.abc import Sequence

from datastore.exports.archive import MANIFEST, MANIFEST_FORMAT, MANIFEST_VERSION
from datastore.exports.sections import Section

CONSISTENCY = (
    "PostgreSQL data (profile, pod, journal, vault) is read in one REPEATABLE READ "
    "transaction: "
    "one snapshot, as of the change sequence `syncPosition.seq` in manifest.json, which is "
    "the account's change counter read first in that snapshot (the sync log's `seq`: every "
    "change with a higher seq happened after this archive). DynamoDB data (sessions, chat, "
    "notifications) has no snapshot across items: each is read by its partition (my "
    "sessions, my inbox, each conversation, my notifications) right after, with strongly "
    "consistent queries, so it holds everything committed before its read began and may "
    "hold some later messages or notifications. Attachment files are read from the blob "
    "store while the snapshot is open: a file's bytes never change once stored, so each is "
    "the file its item describes."
)


def render(sections: Sequence[Section]) -> str:
    """The archive's README: what the archive is, the manifest, then each file field by field."""
    lines = [
        "# My PersonalPod data",
        "",
        "This archive holds the data of one PersonalPod account, as JSON files, one per kind "
        'of data. Each file is an object `{"format": ..., "version": ..., "items": [...]}`:'
        " `format` names what the items are and `version` their layout; a new layout gets a "
        "new version.",
        "",
        "Pod entries are exported with their secrets (passwords, TOTP seeds, sensitive "
        "bodies) decrypted: keep this archive as safe as the account. The files attached to "
        "entries are under `files/pod/<attachment id>/<file name>` and those of chat messages "
        "under `files/chat/<file id>/<file name>`, byte for byte as stored.",
        "",
        "Hidden journal entries (those under a secret tag) are exported only as the "
        "ciphertext the server holds: the server never has their keys, so nothing in "
        "`vault/` is readable without the tag's phrase.",
        "",
        "An import into a PersonalPod account (`importArchive`, `personalpod import`) brings "
        "in the pod (categories, tags, entries, attachments) and the journal (tags, entries, "
        "reminders); the other files are for reading.",
        "",
        "## Consistency",
        "",
        CONSISTENCY,
        "",
        f"## {MANIFEST}",
        "",
        f"Format `{MANIFEST_FORMAT}`, version {MANIFEST_VERSION}: `archiveId` (this archive, "
        "which an import remembers so a second import of it creates nothing), `userId`, "
        "`createdAt`, `syncPosition.seq`, `consistency`, `files`: for each JSON file its "
        "`name`, `file`, `format`, `version`, `items` (how many) and `sha256`, and "
        "`attachmentFiles`: how many files are under `files/`, their `bytes`, and how many "
        "the blob store could not give (`missing`; their items say `file` or `mediaFile` "
        "null).",
        "",
    ]
    for section in sections:
        lines += [
            f"## {section.file}",
            "",
            f"Format `{section.format}`, version {section.version}, from {section.store}. "
            f"{section.description}",
            "",
            "| field | meaning |",
            "|---|---|",
            *(f"| `{f.name}` | {f.description} |" for f in section.fields),
            "",
        ]
    return "\n".join(lines)
