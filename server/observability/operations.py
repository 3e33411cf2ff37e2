"""Counting and timing GraphQL operations, on HTTP and websockets, in one schema extension.

Per operation: one counter increment and one histogram observation (none per field). The
`operation` label is bounded: only names of documents that parsed and validated, at most
`MAX_OPERATION_NAMES` of them per process (then "other"), "anonymous" for unnamed ones and
"invalid" for documents that failed before execution.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.exceptions import MissingQueryError
from strawberry.extensions import SchemaExtension
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from datastore.kit import metrics
from server.graphql.errors import error_code
from server.middleware import note_operation

MAX_OPERATION_NAMES = 200
ANONYMOUS = "anonymous"
INVALID = "invalid"
OTHER = "other"
_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]{0,63}$")
_admitted: set[str] = set()
# Raised before an operation runs; HTTP reports them as request errors (server/graphql/http.py).
REFUSED = (MissingQueryError, CannotGetOperationTypeError, InvalidOperationTypeError)


def admitted_name(name: str | None) -> str:
    """The label of a valid document's operation name."""
    if name is None:
        return ANONYMOUS
    if name in _admitted:
        return name
    if len(_admitted) >= MAX_OPERATION_NAMES or not _NAME.match(name):
        return OTHER
    _admitted.add(name)
    return name


def record_errors(errors: list[GraphQLError] | None) -> str:
    """Count `errors` by code; the outcome label they make ("ok" without any)."""
    if not errors:
        return "ok"
    codes = [error_code(error) for error in errors]
    for code in codes:
        metrics.ERRORS.labels(code).inc()
    return codes[0]


def record_rejected(code: str) -> None:
    """A request refused before any operation ran (bad body, unknown operation name)."""
    metrics.ERRORS.labels(code).inc()
    metrics.OPERATIONS.labels(INVALID, "unknown", code).inc()


class OperationMetrics(SchemaExtension):
    """Operations by name, type and outcome; latency of queries and mutations; open
    subscriptions; and the operation and user on the request's access line."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        self._valid = self._subscribed = False
        try:
            yield
        except REFUSED:
            raise  # no operation ran: the transport counts the refusal
        except (asyncio.CancelledError, GeneratorExit):
            # A subscription ends so when its client completes it or leaves.
            self._record(started, "ok" if self._subscribed else "cancelled")
            raise
        except Exception as error:
            # Strawberry answers with this error (the parser cache raises syntax errors).
            raised = (
                error
                if isinstance(error, GraphQLError)
                else GraphQLError(str(error), original_error=error)
            )
            self._record(started, record_errors([raised]))
            raise
        else:
            self._record(started, self._outcome())
        finally:
            if self._subscribed:
                metrics.SUBSCRIPTIONS.dec()

    def _record(self, started: float, outcome: str) -> None:
        kind, name = None, INVALID
        if self._valid:
            kind = self.execution_context.operation_type
            name = admitted_name(self.execution_context.operation_name)
        type_label = kind.value if kind else "unknown"
        metrics.OPERATIONS.labels(name, type_label, outcome).inc()
        if kind is not OperationType.SUBSCRIPTION:
            metrics.OPERATION_SECONDS.labels(name, type_label).observe(
                time.perf_counter() - started
            )

    def on_validate(self) -> Iterator[None]:
        yield
        context = self.execution_context
        self._valid = not context.pre_execution_errors
        if not self._valid:
            return
        name = admitted_name(context.operation_name)
        principal = getattr(context.context, "principal", None)
        note_operation(name, principal.user_id if principal is not None else None)
        if context.operation_type is OperationType.SUBSCRIPTION:
            # Open from here until the stream ends (on_operation's exit).
            self._subscribed = True
            metrics.SUBSCRIPTIONS.inc()
            metrics.SUBSCRIPTIONS_STARTED.labels(name).inc()

    def _outcome(self) -> str:
        context = self.execution_context
        errors = context.result.errors if context.result else context.pre_execution_errors
        return record_errors(list(errors) if errors else None)
