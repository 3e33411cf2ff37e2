"""How the journal reads the pod's `entries` table, which another domain owns.

The table and its columns come from the pod's migration (`2026_11_22_0002_pod.py`):
`kind` and `status` are upper-case and constrained, `search` is the stored, weighted
tsvector, and `sensitive` rows are neither embedded nor shown by semantic search. These
fragments (over alias `p`) are the only place the journal names those columns.
"""

from __future__ import annotations

# Rows a search may show: live and not trashed.
VISIBLE = "p.status <> 'DELETED' AND (p.expires_at IS NULL OR p.expires_at > now())"
# Rows whose text may be embedded: visible notes that are not sensitive.
EMBEDDABLE = f"{VISIBLE} AND p.kind = 'NOTE' AND NOT p.sensitive"
