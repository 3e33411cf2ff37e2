"""The whole GraphQL schema, merged from each domain's roots."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.tools import merge_types

from resolvers.accounts.mutations import AccountMutations
from resolvers.accounts.queries import AccountQueries
from resolvers.accounts.subscriptions import AccountSubscriptions
from resolvers.accounts.types import Session, User
from resolvers.node import node_queries
from server.graphql.masking import MaskUnexpectedErrors

Mutation = merge_types("Mutation", (AccountMutations,))
Subscription = merge_types("Subscription", (AccountSubscriptions,))


class Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Expected errors are the client's business; unexpected ones are logged when masked."""


def build_schema(extensions: list[SchemaExtension | type[SchemaExtension]] | None = None) -> Schema:
    return Schema(
        query=merge_types("Query", (node_queries(), AccountQueries)),
        mutation=Mutation,
        subscription=Subscription,
        types=[User, Session],
        extensions=[*(extensions or []), MaskUnexpectedErrors],
    )
