"""Category and settings mutations."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry import relay

from datastore.pod import validation
from resolvers.core.context import Info
from resolvers.core.ids import argument_uuid, global_id
from resolvers.core.permissions import IsAuthenticated
from resolvers.pod import drafts
from resolvers.pod.enums import SearchLanguage
from resolvers.pod.inputs import CreateCategoryInput, UpdateCategoryInput, UpdatePodSettingsInput
from resolvers.pod.mutations.common import INPUT, actor
from resolvers.pod.types.activity import PodSettings
from resolvers.pod.types.categories import Category

CategoryId = Annotated[relay.GlobalID, strawberry.argument(description="The category's global id.")]


def _name(value: str | None) -> str:
    name = validation.text(value, field="name", max_length=100)
    if not name:
        raise validation.BadUserInput("A name is required.", field="name")
    return name


@strawberry.type
class CategoryMutations:
    @strawberry.mutation(description="Create a category.", permission_classes=[IsAuthenticated])
    async def create_category(
        self, info: Info, input: Annotated[CreateCategoryInput, INPUT]
    ) -> Category:
        row = await info.context.services.pod.categories.create(
            actor(info),
            parent_id=drafts.category_id(input.parent_id, field="parentId"),
            name=_name(input.name),
            color=validation.color(input.color),
            icon=validation.icon(input.icon),
            position=input.position,
        )
        return Category.from_row(row)

    @strawberry.mutation(
        description="Rename, recolour or reorder a category.",
        permission_classes=[IsAuthenticated],
    )
    async def update_category(
        self, info: Info, id: CategoryId, input: Annotated[UpdateCategoryInput, INPUT]
    ) -> Category:
        values: dict[str, Any] = {}
        if input.name is not strawberry.UNSET:
            values["name"] = _name(input.name)
        if input.color is not strawberry.UNSET:
            values["color"] = validation.color(input.color)
        if input.icon is not strawberry.UNSET:
            values["icon"] = validation.icon(input.icon)
        if input.position is not strawberry.UNSET and input.position is not None:
            values["position"] = input.position
        category_id = argument_uuid(id, "Category", field="id")
        return Category.from_row(
            await info.context.services.pod.categories.update(actor(info), category_id, values)
        )

    @strawberry.mutation(
        description="Move a category under another (or to the root). Refused with "
        "BAD_USER_INPUT when it would go under itself or its own subcategories.",
        permission_classes=[IsAuthenticated],
    )
    async def move_category(
        self,
        info: Info,
        id: CategoryId,
        parent_id: Annotated[
            relay.GlobalID | None, strawberry.argument(description="New parent; null: root.")
        ] = None,
        position: Annotated[
            int | None, strawberry.argument(description="New position among siblings.")
        ] = None,
    ) -> Category:
        row = await info.context.services.pod.categories.move(
            actor(info),
            argument_uuid(id, "Category", field="id"),
            drafts.category_id(parent_id, field="parentId"),
            position,
        )
        return Category.from_row(row)

    @strawberry.mutation(
        description="Delete a category; its subcategories and entries move to its parent "
        "(entries of a root category go to my Inbox). Returns the deleted id.",
        permission_classes=[IsAuthenticated],
    )
    async def delete_category(self, info: Info, id: CategoryId) -> strawberry.ID:
        deleted = await info.context.services.pod.categories.delete(
            actor(info), argument_uuid(id, "Category", field="id")
        )
        return global_id("Category", deleted)

    @strawberry.mutation(
        description="Change my pod settings; a new search language re-indexes my entries.",
        permission_classes=[IsAuthenticated],
    )
    async def update_pod_settings(
        self, info: Info, input: Annotated[UpdatePodSettingsInput, INPUT]
    ) -> PodSettings:
        language = await info.context.services.pod.set_search_language(
            actor(info), input.search_language.value
        )
        return PodSettings(search_language=SearchLanguage(language))
