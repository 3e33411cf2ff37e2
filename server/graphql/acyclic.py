"""graphql-core's executor without the reference cycle it makes for every operation.

graphql-core keeps `async_helpers`, two methods bound to the executor, on the executor
itself. That cycle holds the operation's context (the request's loaders and everything
they loaded) until the garbage collector runs, which then scans it all. Built on each
use instead, a request's objects are freed as soon as it ends.
"""

from __future__ import annotations

from graphql.type.definition import GraphQLResolveInfoHelpers
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


class AcyclicExecutionContext(StrawberryGraphQLCoreExecutionContext):
    @property
    def async_helpers(self) -> GraphQLResolveInfoHelpers:
        return GraphQLResolveInfoHelpers(gather=self.gather_async_work, track=self.track_async_work)

    @async_helpers.setter
    def async_helpers(self, _helpers: GraphQLResolveInfoHelpers) -> None:
        """Executor.__init__ stores its helpers; the property answers instead."""
