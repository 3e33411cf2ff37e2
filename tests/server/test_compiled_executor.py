"""The compiled executor answers tricky documents exactly as graphql-core does.

A small strawberry schema, no services: each query runs on a schema with graphql-core's
executor and on one with the compiled executor, and the test checks the values expected
as well as the agreement of data, errors, paths and locations.
"""

from __future__ import annotations

import asyncio
import enum
from typing import Annotated, Any

import pytest
import strawberry
from graphql import ExecutionResult, GraphQLError, located_error
from strawberry.dataloader import DataLoader
from strawberry.permission import BasePermission
from strawberry.relay import GlobalID
from strawberry.types.base import StrawberryList, StrawberryMaybe, StrawberryOptional

from server.graphql.compiled import CompiledExecutor, executor_class
from server.graphql.compiled.crosscheck import MISMATCHES, compare
from server.graphql.compiled.direct import direct_resolver, passes_through


@strawberry.interface
class Item:
    id: strawberry.ID


@strawberry.type
class Tag(Item):
    name: str


@strawberry.type
class Note(Item):
    title: str
    body: str | None = None
    size: int = 0

    @strawberry.field
    async def tags(self, info: strawberry.Info, first: int = 2) -> list[Tag]:
        names = await info.context["tag_names"].load(self.id)
        return [Tag(id=f"{self.id}-t{i}", name=name) for i, name in enumerate(names[:first])]

    @strawberry.field
    def broken(self) -> str | None:
        raise ValueError(f"broken note {self.id}")

    @strawberry.field
    async def required(self) -> str:
        return None  # type: ignore[return-value]  # a resolver breaking its contract

    @strawberry.field
    def strict_tags(self) -> list[Tag | None]:
        return [Tag(id="a", name="ok"), Tag(id="b", name=None)]  # type: ignore[arg-type]

    @strawberry.field
    def strict_list(self) -> list[Tag] | None:
        return [Tag(id="a", name="ok"), Tag(id="b", name=None)]  # type: ignore[arg-type]


@strawberry.type
class Photo:
    url: str


@strawberry.type
class Loose:
    """Attributes that do not hold their declared types, as a careless resolver leaves them."""

    text: str
    flag: bool | None
    required: str


Attachment = Annotated[Note | Photo, strawberry.union("Attachment")]


VISITS: list[int] = []
NOTES = [Note(id="n1", title="first", size=3), Note(id="n2", title="second", body="text")]


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item]:
        return [NOTES[0], Tag(id="t9", name="loose"), NOTES[1]]

    @strawberry.field
    def attachments(self) -> list[Attachment]:
        return [Photo(url="/p.png"), NOTES[0]]

    @strawberry.field
    async def note(self, id: strawberry.ID) -> Note | None:
        return next((note for note in NOTES if note.id == id), None)

    @strawberry.field
    def notes(self) -> list[Note]:
        return NOTES

    @strawberry.field
    def loose(self) -> list[Loose | None]:
        return [
            Loose(text=7, flag="yes", required="here"),  # type: ignore[arg-type]
            Loose(text="fine", flag=True, required=None),  # type: ignore[arg-type]
        ]

    @strawberry.field
    async def failing(self, turns: int) -> str:
        """Fails after `turns` turns of the event loop."""
        for _ in range(turns):
            await asyncio.sleep(0)
        raise ValueError(f"failed after {turns} turns")

    @strawberry.field
    def visit(self) -> int:
        """Counts its calls, as a share link counts its uses."""
        VISITS.append(1)
        return len(VISITS)

    @strawberry.field
    def greeting(self, name: str = "world") -> str:
        return f"hello {name}"

    @strawberry.field
    def arguments(self) -> Arguments:
        return Arguments()


@strawberry.enum
class Shade(enum.Enum):
    LIGHT = "light"
    DARK = "dark"


@strawberry.input
class Span:
    low: int = 0
    high: int = 10


class Denied(BasePermission):
    message = "Not for you."

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        return False


@strawberry.type
class Arguments:
    """Resolvers the compiled plan calls directly, and one it must leave to strawberry."""

    @strawberry.field
    def painted(self, shade: Shade, span: Span | None = None, first_word: str = "a") -> str:
        assert isinstance(shade, Shade) and (span is None or isinstance(span, Span))
        bounds = f"{span.low}..{span.high}" if span else "-"
        return f"{first_word} {shade.value} {bounds}"

    @strawberry.field
    def rooted(root: Arguments, info: strawberry.Info) -> str:
        return f"{type(root).__name__}.{info.field_name}"

    @strawberry.field(permission_classes=[Denied])
    def secret(self) -> str | None:
        return "leaked"


@strawberry.type
class Mutation:
    @strawberry.mutation
    def rename(self, title: str) -> str:
        return title.upper()


def make_context(calls: list[list[str]]) -> dict[str, Any]:
    async def load(keys: list[str]) -> list[list[str]]:
        calls.append(list(keys))
        return [[f"{key}-red", f"{key}-blue", f"{key}-green"] for key in keys]

    return {"tag_names": DataLoader(load_fn=load)}


REFERENCE = strawberry.Schema(query=Query, mutation=Mutation)


def compiled_schema(*, crosscheck: bool = True) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        execution_context_class=executor_class(crosscheck=crosscheck),
    )


COMPILED = compiled_schema()


async def both(query: str, variables: dict[str, Any] | None = None) -> Any:
    """The compiled result, after checking graphql-core's is the same."""
    reference = await REFERENCE.execute(query, variables, make_context([]))
    compiled = await COMPILED.execute(query, variables, make_context([]))
    assert compiled.data == reference.data
    assert located(compiled) == located(reference)
    return compiled


def located(result: Any) -> list[tuple[str, Any, Any]]:
    return sorted(
        (e.message, e.path, [(loc.line, loc.column) for loc in e.locations or ()])
        for e in result.errors or ()
    )


FRAGMENTS = """
query Items {
  items { __typename id ...TagName ... on Note { title size } }
  attachments { __typename ... on Photo { url } ... on Item { id } ...NoteTitle }
}
fragment TagName on Tag { name }
fragment NoteTitle on Note { title }
"""


async def test_fragments_on_interfaces_and_unions_merge_per_runtime_type() -> None:
    # when
    result = await both(FRAGMENTS)

    # then
    assert result.errors is None
    assert result.data == {
        "items": [
            {"__typename": "Note", "id": "n1", "title": "first", "size": 3},
            {"__typename": "Tag", "id": "t9", "name": "loose"},
            {"__typename": "Note", "id": "n2", "title": "second", "size": 0},
        ],
        "attachments": [
            {"__typename": "Photo", "url": "/p.png"},
            {"__typename": "Note", "id": "n1", "title": "first"},
        ],
    }


ALIASES = """
query Aliases($name: String!) {
  a: greeting
  b: greeting(name: $name)
  c: greeting(name: "literal")
  one: note(id: "n1") { few: tags(first: 1) { name } all: tags(first: 3) { name } }
}
"""


async def test_aliases_of_one_field_with_different_arguments_stay_apart() -> None:
    # when
    result = await both(ALIASES, {"name": "ada"})
    again = await both(ALIASES, {"name": "grace"})

    # then
    assert result.data == {
        "a": "hello world",
        "b": "hello ada",
        "c": "hello literal",
        "one": {
            "few": [{"name": "n1-red"}],
            "all": [{"name": "n1-red"}, {"name": "n1-blue"}, {"name": "n1-green"}],
        },
    }
    assert again.data["b"] == "hello grace"  # variables are read per request, not planned


CONDITIONS = """
query Conditions($withBody: Boolean!, $skipTags: Boolean = false) {
  notes {
    title
    body @include(if: $withBody)
    ... @skip(if: $skipTags) { tags(first: 1) { name } }
    ...Sized @include(if: $withBody)
  }
}
fragment Sized on Note { size }
"""


@pytest.mark.parametrize(
    ("variables", "keys"),
    [
        ({"withBody": True}, {"title", "body", "tags", "size"}),
        ({"withBody": False}, {"title", "tags"}),
        ({"withBody": False, "skipTags": True}, {"title"}),
        ({"withBody": True}, {"title", "body", "tags", "size"}),  # the cached plan again
    ],
)
async def test_skip_and_include_follow_the_variables_of_each_request(
    variables: dict[str, Any], keys: set[str]
) -> None:
    # when
    result = await both(CONDITIONS, variables)

    # then
    assert [set(note) for note in result.data["notes"]] == [keys, keys]


NON_NULL = """
query NonNull {
  notes { id strictTags { name } }
  n1: note(id: "n1") { id strictList { id name } }
  n2: note(id: "n2") { id required }
}
"""


async def test_a_null_in_a_non_null_position_nulls_the_nearest_nullable_parent() -> None:
    # when
    result = await both(NON_NULL)

    # then: a nullable item, a nullable list, and a nullable parent object take the null
    assert result.data == {
        "notes": [
            {"id": "n1", "strictTags": [{"name": "ok"}, None]},
            {"id": "n2", "strictTags": [{"name": "ok"}, None]},
        ],
        "n1": {"id": "n1", "strictList": None},
        "n2": None,
    }
    tag_name = "Cannot return null for non-nullable field Tag.name."
    assert located(result) == [
        ("Cannot return null for non-nullable field Note.required.", ["n2", "required"], [(5, 27)]),
        (tag_name, ["n1", "strictList", 1, "name"], [(4, 43)]),
        (tag_name, ["notes", 0, "strictTags", 1, "name"], [(3, 27)]),
        (tag_name, ["notes", 1, "strictTags", 1, "name"], [(3, 27)]),
    ]


NESTED_ERRORS = 'query Nested { notes { id broken } one: note(id: "n2") { broken title } }'


async def test_errors_in_nested_resolvers_name_their_path_and_location() -> None:
    # when
    result = await both(NESTED_ERRORS)

    # then
    assert result.data == {
        "notes": [{"id": "n1", "broken": None}, {"id": "n2", "broken": None}],
        "one": {"broken": None, "title": "second"},
    }
    assert located(result) == [
        ("broken note n1", ["notes", 0, "broken"], [(1, 27)]),
        ("broken note n2", ["notes", 1, "broken"], [(1, 27)]),
        ("broken note n2", ["one", "broken"], [(1, 58)]),
    ]


async def test_plain_attributes_of_the_wrong_type_are_serialised_or_refused_as_declared() -> None:
    # when
    result = await both("query Loose { loose { text flag required } }")

    # then: an int becomes a String, a str is no Boolean, a missing String! nulls its object
    assert result.data == {"loose": [{"text": "7", "flag": None, "required": "here"}, None]}
    assert located(result) == [
        ("Boolean cannot represent a non boolean value: 'yes'", ["loose", 0, "flag"], [(1, 28)]),
        (
            "Cannot return null for non-nullable field Loose.required.",
            ["loose", 1, "required"],
            [(1, 33)],
        ),
    ]


async def test_typename_at_the_root_and_on_every_runtime_type() -> None:
    # when
    result = await both("query T { __typename items { __typename } kind: __typename }")

    # then
    assert result.data == {
        "__typename": "Query",
        "items": [{"__typename": "Note"}, {"__typename": "Tag"}, {"__typename": "Note"}],
        "kind": "Query",
    }


async def test_list_items_share_one_dataloader_batch() -> None:
    # given
    calls: list[list[str]] = []

    # when
    result = await COMPILED.execute(
        "query Batch { notes { tags { name } } }", context_value=make_context(calls)
    )

    # then
    assert result.errors is None
    assert calls == [["n1", "n2"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "query Intro { __schema { queryType { name } } }",
            {"__schema": {"queryType": {"name": "Query"}}},
        ),
        ('query TypeOf { __type(name: "Note") { name } }', {"__type": {"name": "Note"}}),
        ('mutation Rename { rename(title: "x") }', {"rename": "X"}),
    ],
)
async def test_introspection_and_mutations_run_on_graphql_core(
    query: str, expected: dict[str, object]
) -> None:
    # when
    result = await both(query)

    # then
    assert result.errors is None
    assert result.data == expected


async def test_a_plan_is_built_once_per_document_and_operation() -> None:
    # given
    schema = compiled_schema(crosscheck=False)
    cache = schema.execution_context_class.plans  # type: ignore[attr-defined]
    document = "query A { greeting } query B { notes { id } }"

    # when
    for name in ("A", "B", "A", "B", "A"):
        result = await schema.execute(document, operation_name=name, context_value={})
        assert result.errors is None

    # then
    assert len(cache.operations) == 2
    entry = next(iter(cache.operations.values()))
    assert len(entry.roots) == 1


def test_the_crosscheck_reports_differences_in_data_and_in_errors() -> None:
    # given
    error = GraphQLError("boom", path=["a"])
    moved = GraphQLError("boom", path=["b"])

    # then
    assert compare(ExecutionResult({"a": 1}), ExecutionResult({"a": 1})) is None
    assert "data" in (compare(ExecutionResult({"a": 1}), ExecutionResult({"a": 2})) or "")
    difference = compare(
        ExecutionResult({"a": None}, [error]), ExecutionResult({"a": None}, [moved])
    )
    assert difference is not None and "errors" in difference


async def test_concurrent_requests_on_one_plan_keep_their_own_results() -> None:
    # when
    results = await asyncio.gather(
        *(COMPILED.execute(ALIASES, {"name": f"n{i}"}, make_context([])) for i in range(5))
    )

    # then
    assert [r.data["b"] for r in results] == [f"hello n{i}" for i in range(5)]


async def test_the_sibling_error_that_comes_first_nulls_the_parent() -> None:
    # when: two non-null root fields fail in one turn of the loop, the second one first
    result = await both("query Race { a: failing(turns: 1) b: failing(turns: 0) }")

    # then
    assert result.data is None
    assert located(result) == [("failed after 0 turns", ["b"], [(1, 35)])]


async def test_the_crosscheck_calls_each_resolver_once() -> None:
    # given
    VISITS.clear()

    # when
    first = await COMPILED.execute("query Visit { visit n: notes { id } }", None, make_context([]))
    second = await COMPILED.execute("query Visit { visit n: notes { id } }", None, make_context([]))

    # then: graphql-core's run replayed the answers instead of visiting again
    assert (first.data["visit"], second.data["visit"]) == (1, 2)


class NoPropagation(CompiledExecutor):
    """A broken executor: a null in a non-null position stays where it is."""

    def field_error(self, raw_error: Exception, return_type: Any, nodes: Any, path: Any) -> None:
        self.collected_errors.add(located_error(raw_error, nodes, path.as_list()), path)


async def test_the_crosscheck_fails_a_query_the_executors_disagree_on() -> None:
    # given
    schema = strawberry.Schema(
        query=Query,
        execution_context_class=type(
            "Broken", (NoPropagation,), {"plans": executor_class().plans, "crosscheck": True}
        ),
    )
    seen = len(MISMATCHES)

    # when
    result = await schema.execute(NON_NULL, None, make_context([]))

    # then
    found = MISMATCHES[seen:]
    del MISMATCHES[seen:]  # expected here: not a failure of this test
    assert result.data is None
    assert len(found) == 1 and "query NonNull" in found[0]
    assert "compiled executor disagrees with graphql-core: data" in found[0]


DIRECT = """
query Direct($shade: Shade!, $span: Span) {
  arguments {
    given: painted(shade: $shade, span: $span, firstWord: "the")
    plain: painted(shade: LIGHT)
    inline: painted(shade: DARK, span: {high: 3})
    rooted
    secret
  }
}
"""


async def test_resolvers_called_directly_get_their_arguments_as_strawberry_gives_them() -> None:
    # given: the fields the plan calls directly, and the one with a permission class
    graphql_schema = COMPILED._schema
    fields = graphql_schema.get_type("Arguments").fields  # type: ignore[union-attr]
    assert direct_resolver(graphql_schema, fields["painted"]) is not None
    assert direct_resolver(graphql_schema, fields["rooted"]) is not None
    assert direct_resolver(graphql_schema, fields["secret"]) is None

    # when
    result = await both(DIRECT, {"shade": "DARK", "span": {"low": 2}})

    # then: enums and inputs converted, names mapped, defaults kept, root and info passed,
    # and the permission still refuses
    assert result.data == {
        "arguments": {
            "given": "the dark 2..10",
            "plain": "a light -",
            "inline": "a dark 0..3",
            "rooted": "Arguments.rooted",
            "secret": None,
        }
    }
    assert [(e.message, e.path) for e in result.errors] == [
        ("Not for you.", ["arguments", "secret"])
    ]


def test_only_scalars_and_enums_skip_argument_conversion() -> None:
    # given: the scalar registry of a schema
    scalars = COMPILED.schema_converter.scalar_registry
    painted = COMPILED.get_field_for_type("painted", "Arguments")
    assert painted is not None
    kinds = {argument.python_name: argument.type for argument in painted.arguments}

    # then: what convert_argument would return unchanged passes as given; inputs, lists,
    # global ids (decoded) and Maybe (wrapped) are still converted
    assert passes_through(kinds["shade"], scalars)
    assert passes_through(kinds["first_word"], scalars)
    assert passes_through(StrawberryOptional(int), scalars)
    assert not passes_through(kinds["span"], scalars)
    assert not passes_through(StrawberryList(str), scalars)
    assert not passes_through(StrawberryOptional(GlobalID), scalars)
    assert not passes_through(StrawberryMaybe(str), scalars)
