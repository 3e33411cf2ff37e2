"""A compiled executor for validated query documents (the idea of graphql-jit).

Each query document is turned once into a plan of merged fields per selection set and
runtime type, with each field's resolver, arguments and a completer specialised for its
return type; the plan is cached by document text and operation. Mutations, subscriptions
and what the compiler does not handle run on graphql-core's executor.
"""

from server.graphql.compiled.executor import CompiledExecutor, executor_class

__all__ = ["CompiledExecutor", "executor_class"]
