"""The whole GraphQL schema, merged from every domain's roots."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.tools import merge_types

from resolvers.core.node import node_queries
from server.domains import all_domains
from server.graphql.masking import MaskUnexpectedErrors


class Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Expected errors are the client's business; unexpected ones are logged when masked."""


def build_schema(
    extensions: list[SchemaExtension | type[SchemaExtension]] | None = None,
) -> Schema:
    domains = all_domains()
    return Schema(
        query=merge_types("Query", (node_queries(), *(q for d in domains for q in d.queries))),
        mutation=merge_types("Mutation", tuple(m for d in domains for m in d.mutations)),
        subscription=merge_types(
            "Subscription", tuple(s for d in domains for s in d.subscriptions)
        ),
        types=[t for d in domains for t in d.types],
        extensions=[*(extensions or []), MaskUnexpectedErrors],
    )
