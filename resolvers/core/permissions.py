"""Permissions declared on fields: who may call what."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission

from resolvers.core.context import Context


class IsAuthenticated(BasePermission):
    message = "Sign in to do this."

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        context: Context = info.context
        context.require_principal()  # raises UNAUTHENTICATED with the precise reason
        return True
