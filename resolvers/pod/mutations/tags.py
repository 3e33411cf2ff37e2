"""Tag mutations."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry import relay

from datastore.pod import validation
from resolvers.core.context import Info
from resolvers.core.ids import argument_uuid, global_id
from resolvers.core.permissions import IsAuthenticated
from resolvers.pod import drafts
from resolvers.pod.inputs import CreateTagInput, UpdateTagInput
from resolvers.pod.mutations.common import INPUT, actor
from resolvers.pod.types.tags import Tag

TagId = Annotated[relay.GlobalID, strawberry.argument(description="The tag's global id.")]


def _name(value: str | None) -> str:
    name = validation.text(value, field="name", max_length=validation.MAX_TAG_NAME)
    if not name:
        raise validation.BadUserInput("A name is required.", field="name")
    return name


@strawberry.type
class TagMutations:
    @strawberry.mutation(
        description="Create a tag; its slug comes from the name and must be new.",
        permission_classes=[IsAuthenticated],
    )
    async def create_tag(self, info: Info, input: Annotated[CreateTagInput, INPUT]) -> Tag:
        name = _name(input.name)
        row = await info.context.services.pod.tags.create(
            actor(info), name=name, slug=validation.slug(name), color=validation.color(input.color)
        )
        return Tag.from_row(row)

    @strawberry.mutation(
        description="Rename (new slug) or recolour a tag.", permission_classes=[IsAuthenticated]
    )
    async def update_tag(
        self, info: Info, id: TagId, input: Annotated[UpdateTagInput, INPUT]
    ) -> Tag:
        values: dict[str, Any] = {}
        if input.name is not strawberry.UNSET:
            values["name"] = _name(input.name)
            values["slug"] = validation.slug(values["name"])
        if input.color is not strawberry.UNSET:
            values["color"] = validation.color(input.color)
        tag_id = argument_uuid(id, "Tag", field="id")
        return Tag.from_row(
            await info.context.services.pod.tags.update(actor(info), tag_id, values)
        )

    @strawberry.mutation(
        description="Merge tags into one: their entries get the target tag, they are deleted.",
        permission_classes=[IsAuthenticated],
    )
    async def merge_tags(
        self,
        info: Info,
        source_ids: Annotated[
            list[relay.GlobalID], strawberry.argument(description="Tags to merge away.")
        ],
        target_id: Annotated[relay.GlobalID, strawberry.argument(description="Tag to keep.")],
    ) -> Tag:
        sources = drafts.tag_ids(source_ids)
        target = argument_uuid(target_id, "Tag", field="targetId")
        return Tag.from_row(
            await info.context.services.pod.tags.merge(actor(info), sources, target)
        )

    @strawberry.mutation(
        description="Delete a tag; it leaves every entry. Returns the deleted id.",
        permission_classes=[IsAuthenticated],
    )
    async def delete_tag(self, info: Info, id: TagId) -> strawberry.ID:
        deleted = await info.context.services.pod.tags.delete(
            actor(info), argument_uuid(id, "Tag", field="id")
        )
        return global_id("Tag", deleted)
