"""Strawberry resolvers called directly, without strawberry's per-call wrapper.

For a field with a resolver and no field extension (no permission classes) or exception
handler, strawberry's wrapper builds the Info, converts the arguments (working out each
argument's GraphQL name again), chains the extensions that are not there and wraps the
resolver's coroutine in one of its own. A direct resolver does the same work that
matters: the same Info class, `convert_argument` on each argument given, the source as
`self`, `root` or `parent` and the Info where the resolver asks for them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from graphql import GraphQLField, GraphQLResolveInfo, GraphQLSchema
from strawberry.relay.types import GlobalID
from strawberry.scalars import is_scalar
from strawberry.types.arguments import convert_argument
from strawberry.types.base import StrawberryMaybe, StrawberryOptional
from strawberry.types.enum import StrawberryEnumDefinition

# The key strawberry keeps its field definition under in a GraphQLField's extensions.
STRAWBERRY_FIELD = "strawberry-definition"

Resolve = Callable[..., Any]


def direct_resolver(schema: GraphQLSchema, field_def: GraphQLField) -> Resolve | None:
    """A resolver equivalent to strawberry's for `field_def`, or None to keep strawberry's."""
    field = (field_def.extensions or {}).get(STRAWBERRY_FIELD)
    strawberry_schema = getattr(schema, "_strawberry_schema", None)
    if field is None or strawberry_schema is None or field.base_resolver is None:
        return None
    converter = strawberry_schema.schema_converter
    if field.extensions or converter._get_field_exception_handlers(field):
        return None
    config = strawberry_schema.config
    scalars = converter.scalar_registry
    info_class = config.info_class
    arguments = [
        (
            config.name_converter.from_argument(argument),
            argument.python_name,
            argument.type,
            passes_through(argument.type, scalars),
        )
        for argument in field.arguments
    ]
    resolver = field.base_resolver
    call = resolver.wrapped_func
    passes_self = resolver.self_parameter is not None
    source_names = [
        parameter.name
        for parameter in (resolver.parent_parameter, resolver.root_parameter)
        if parameter is not None
    ]
    info_name = resolver.info_parameter.name if resolver.info_parameter else None

    def resolve(source: Any, info: GraphQLResolveInfo, **values: Any) -> Any:
        strawberry_info = info_class(_raw_info=info, _field=field)
        kwargs: dict[str, Any] = {}
        if values:
            for name, python_name, type_, as_given in arguments:
                if name not in values:
                    continue
                if as_given:
                    kwargs[python_name] = values[name]
                else:
                    kwargs[python_name] = convert_argument(
                        value=values[name],
                        type_=type_,
                        config=config,
                        scalar_registry=scalars,
                        info=strawberry_info,
                        path=(name,),
                    )
        for name in source_names:
            kwargs[name] = source
        if info_name is not None:
            kwargs[info_name] = strawberry_info
        return call(source, **kwargs) if passes_self else call(**kwargs)

    return resolve


def passes_through(type_: Any, scalars: Mapping[object, Any]) -> bool:
    """True for an argument type `convert_argument` returns values of unchanged: a scalar
    (graphql-core has parsed it) or an enum, optional or not, but a relay GlobalID, which
    it decodes, and `Maybe`, which it wraps. Page sizes and cursors are such arguments."""
    if isinstance(type_, StrawberryMaybe):
        return False
    if isinstance(type_, StrawberryOptional):
        type_ = type_.of_type
    if type_ is GlobalID:
        return False
    return is_scalar(type_, scalars) or isinstance(type_, StrawberryEnumDefinition)
