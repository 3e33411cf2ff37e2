"""What a security event is: its type, category and severity, and the event callers record."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum


class SecurityEventType(StrEnum):
    SIGN_IN = "SIGN_IN"
    SIGN_IN_FAILED = "SIGN_IN_FAILED"
    SIGN_OUT = "SIGN_OUT"
    SESSION_REVOKED = "SESSION_REVOKED"
    PASSWORD_CHANGED = "PASSWORD_CHANGED"
    SECRET_TAG_REGISTERED = "SECRET_TAG_REGISTERED"
    SECRET_TAG_UNLOCKED = "SECRET_TAG_UNLOCKED"
    SECRET_TAG_UNLOCK_FAILED = "SECRET_TAG_UNLOCK_FAILED"
    SECRET_TAG_ROTATED = "SECRET_TAG_ROTATED"
    SECRET_TAG_DELETED = "SECRET_TAG_DELETED"
    VAULT_OPENED = "VAULT_OPENED"
    VAULT_CLOSED = "VAULT_CLOSED"
    SECRET_SHARED = "SECRET_SHARED"
    SHARE_REVOKED = "SHARE_REVOKED"
    EXPORT_REQUESTED = "EXPORT_REQUESTED"
    ACCOUNT_DEACTIVATED = "ACCOUNT_DEACTIVATED"
    ACCOUNT_REACTIVATED = "ACCOUNT_REACTIVATED"
    ACCOUNT_DELETION_REQUESTED = "ACCOUNT_DELETION_REQUESTED"
    ACCOUNT_RESTORED = "ACCOUNT_RESTORED"
    # The purge erased the account from every store (this log keeps only keyed hashes).
    ACCOUNT_DELETED = "ACCOUNT_DELETED"
    EMAIL_CHANGE_REQUESTED = "EMAIL_CHANGE_REQUESTED"
    EMAIL_CHANGED = "EMAIL_CHANGED"
    EXPORT_DOWNLOADED = "EXPORT_DOWNLOADED"
    EXPORT_IMPORTED = "EXPORT_IMPORTED"


class SecurityEventCategory(StrEnum):
    AUTHENTICATION = "AUTHENTICATION"
    SESSION = "SESSION"
    SECRET_TAG = "SECRET_TAG"
    VAULT = "VAULT"
    SHARING = "SHARING"
    EXPORT = "EXPORT"
    ACCOUNT = "ACCOUNT"


class SecurityEventSeverity(StrEnum):
    INFO = "INFO"
    WARNING = "WARNING"
    CRITICAL = "CRITICAL"


_T = SecurityEventType
_C = SecurityEventCategory
_S = SecurityEventSeverity
# Each type belongs to one category, and has the severity it is recorded with unless the
# caller says otherwise.
CATEGORY: dict[SecurityEventType, SecurityEventCategory] = {
    _T.SIGN_IN: _C.AUTHENTICATION,
    _T.SIGN_IN_FAILED: _C.AUTHENTICATION,
    _T.PASSWORD_CHANGED: _C.AUTHENTICATION,
    _T.SIGN_OUT: _C.SESSION,
    _T.SESSION_REVOKED: _C.SESSION,
    _T.SECRET_TAG_REGISTERED: _C.SECRET_TAG,
    _T.SECRET_TAG_UNLOCKED: _C.SECRET_TAG,
    _T.SECRET_TAG_UNLOCK_FAILED: _C.SECRET_TAG,
    _T.SECRET_TAG_ROTATED: _C.SECRET_TAG,
    _T.SECRET_TAG_DELETED: _C.SECRET_TAG,
    _T.VAULT_OPENED: _C.VAULT,
    _T.VAULT_CLOSED: _C.VAULT,
    _T.SECRET_SHARED: _C.SHARING,
    _T.SHARE_REVOKED: _C.SHARING,
    _T.EXPORT_REQUESTED: _C.EXPORT,
    _T.ACCOUNT_DEACTIVATED: _C.ACCOUNT,
    _T.ACCOUNT_REACTIVATED: _C.ACCOUNT,
    _T.ACCOUNT_DELETION_REQUESTED: _C.ACCOUNT,
    _T.ACCOUNT_RESTORED: _C.ACCOUNT,
    _T.ACCOUNT_DELETED: _C.ACCOUNT,
    _T.EMAIL_CHANGE_REQUESTED: _C.ACCOUNT,
    _T.EMAIL_CHANGED: _C.ACCOUNT,
    _T.EXPORT_DOWNLOADED: _C.EXPORT,
    _T.EXPORT_IMPORTED: _C.EXPORT,
}
SEVERITY: dict[SecurityEventType, SecurityEventSeverity] = {
    **{event_type: _S.INFO for event_type in SecurityEventType},
    _T.SIGN_IN_FAILED: _S.WARNING,
    _T.SECRET_TAG_UNLOCK_FAILED: _S.WARNING,
    _T.PASSWORD_CHANGED: _S.WARNING,
    _T.SECRET_TAG_DELETED: _S.WARNING,
    _T.SECRET_SHARED: _S.WARNING,
    _T.EXPORT_REQUESTED: _S.WARNING,
    _T.ACCOUNT_DELETION_REQUESTED: _S.WARNING,
    _T.ACCOUNT_DELETED: _S.WARNING,
    _T.EMAIL_CHANGED: _S.WARNING,
    _T.EXPORT_DOWNLOADED: _S.WARNING,
}

MAX_MESSAGE = 500
MAX_CODE = 40
MAX_ID = 64


@dataclass(frozen=True)
class SecurityEvent:
    """One thing that happened; `record` hashes the user, session, ip and user agent."""

    type: SecurityEventType
    message: str
    user_id: uuid.UUID | None = None
    session_id: str | None = None
    ip: str | None = None
    user_agent: str | None = None
    success: bool = True
    error_code: str | None = None
    severity: SecurityEventSeverity | None = None
    # Ties the events of one operation together (a password change and the sessions it ended).
    correlation_id: str | None = None
    processing_time_ms: int | None = None

    def __post_init__(self) -> None:
        if len(self.message) > MAX_MESSAGE:
            raise ValueError(f"a security event message has at most {MAX_MESSAGE} characters")
        if self.error_code is not None and len(self.error_code) > MAX_CODE:
            raise ValueError(f"a security event error code has at most {MAX_CODE} characters")
        if self.correlation_id is not None and len(self.correlation_id) > MAX_ID:
            raise ValueError(f"a correlation id has at most {MAX_ID} characters")

    @property
    def category(self) -> SecurityEventCategory:
        return CATEGORY[self.type]

    @property
    def effective_severity(self) -> SecurityEventSeverity:
        return self.severity or SEVERITY[self.type]
