"""Mask unexpected errors on every transport (HTTP and websockets) in one extension."""

from __future__ import annotations

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from datastore.kit.request_id import current_request_id
from server.graphql.errors import is_unexpected, masked_error


class MaskUnexpectedErrors(MaskErrors):
    """Domain errors pass through with their code; anything else becomes INTERNAL."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        return masked_error(error, request_id=current_request_id.get())
