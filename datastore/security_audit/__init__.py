"""The signed security audit log: `security_audit_logs`, a hash chain of signed rows.

`SecurityAuditLog.record(db, event)` appends one event in the caller's transaction; the
chain (`chain.py`) makes an edit, a deletion or a forged row visible to
`personalpod verify-audit` (`verify.py`). User, session, address and user agent are stored
only as keyed hashes.
"""
