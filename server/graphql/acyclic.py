"""graphql-core's executor without the reference cycle it makes for every operation.

graphql-core keeps `async_helpers`, two methods bound to the executor, on the executor
itself. That cycle holds the operation's context (the request's loaders and everything
they loaded) until the garbage collector runs, which then scans it all. Here the helpers
reach the executor through a weak reference, so a request's objects are freed as soon as
it ends, and they are built once per operation rather than for every resolver's Info.
"""

from __future__ import annotations

import weakref
from typing import Any

from graphql.type.definition import GraphQLResolveInfoHelpers
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


class AcyclicExecutionContext(StrawberryGraphQLCoreExecutionContext):
    @property
    def async_helpers(self) -> GraphQLResolveInfoHelpers:
        helpers = self.__dict__.get("_weak_helpers")
        if helpers is None:
            helpers = self.__dict__["_weak_helpers"] = weak_helpers(self)
        return helpers

    @async_helpers.setter
    def async_helpers(self, _helpers: GraphQLResolveInfoHelpers) -> None:
        """Executor.__init__ stores its helpers; the property answers instead."""


def weak_helpers(executor: StrawberryGraphQLCoreExecutionContext) -> GraphQLResolveInfoHelpers:
    """The executor's gather and track, holding it weakly (resolvers use them while it runs)."""
    reference = weakref.ref(executor)

    def gather(*args: Any, **kwargs: Any) -> Any:
        return _alive(reference).gather_async_work(*args, **kwargs)

    def track(*args: Any, **kwargs: Any) -> Any:
        return _alive(reference).track_async_work(*args, **kwargs)

    return GraphQLResolveInfoHelpers(gather=gather, track=track)


def _alive(
    reference: weakref.ref[StrawberryGraphQLCoreExecutionContext],
) -> StrawberryGraphQLCoreExecutionContext:
    executor = reference()
    if executor is None:
        raise RuntimeError("the operation this resolver belonged to has finished")
    return executor
