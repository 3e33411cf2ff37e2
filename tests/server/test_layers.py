"""The rooms' import rule: each imports only the rooms below it, and no modules form a cycle.

server/ (the process) > resolvers/ (GraphQL) > datastore/ (each domain's logic and
storage) > datastore/kit/ (shared infrastructure). Every import counts, including those
under `if TYPE_CHECKING:` and inside functions.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.imports import Import, Project, find_cycles

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def project() -> Project:
    return Project.read(ROOT, ("server", "resolvers", "datastore"))


def _in(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _fail_unless_empty(rule: str, offenders: list[Import]) -> None:
    # pytest.fail without a traceback: the list of offending lines is the whole message
    if offenders:
        lines = [f"  {i}" for i in sorted(offenders, key=lambda i: (str(i.path), i.line))]
        pytest.fail(f"{rule}; {len(lines)} imports break it:\n" + "\n".join(lines), pytrace=False)


def test_datastore_never_imports_server_or_resolvers(project: Project) -> None:
    offenders = [
        i
        for i in project.imports
        if _in(i.importer, "datastore")
        and (_in(i.imported, "server") or _in(i.imported, "resolvers"))
    ]
    _fail_unless_empty("datastore/ imports neither server nor resolvers", offenders)


def test_resolvers_never_import_server(project: Project) -> None:
    offenders = [
        i for i in project.imports if _in(i.importer, "resolvers") and _in(i.imported, "server")
    ]
    _fail_unless_empty("resolvers/ does not import server", offenders)


def test_kit_never_imports_the_rest_of_datastore(project: Project) -> None:
    offenders = [
        i
        for i in project.imports
        if _in(i.importer, "datastore.kit")
        and _in(i.imported, "datastore")
        and not _in(i.imported, "datastore.kit")
    ]
    _fail_unless_empty("datastore/kit/ imports nothing else of datastore", offenders)


def test_project_modules_import_no_cycle(project: Project) -> None:
    cycles = find_cycles(project.graph())
    if cycles:
        report = "\n".join(f"  {cycle}" for cycle in cycles)
        pytest.fail(f"{len(cycles)} groups of modules import in a cycle:\n{report}", pytrace=False)


def test_find_cycles_reports_each_cycle_in_a_synthetic_graph() -> None:
    graph = {"a": {"b", "x"}, "b": {"c"}, "c": {"a", "d"}, "d": {"e"}, "e": {"d"}, "x": {"a"}}
    cycles = find_cycles(graph)
    assert [c.path for c in cycles] == [("a", "x", "a"), ("d", "e", "d")]
    assert [c.modules for c in cycles] == [("a", "b", "c", "x"), ("d", "e")]
    assert str(cycles[0]) == "a -> x -> a (same group: b, c)"


def test_find_cycles_reports_none_in_an_acyclic_graph() -> None:
    graph = {"a": {"b", "c"}, "b": {"c"}, "c": set(), "d": {"a", "c"}}
    assert find_cycles(graph) == []


def test_read_sees_type_checking_function_and_relative_imports(tmp_path: Path) -> None:
    # given: imports under TYPE_CHECKING, in a function, relative, and of a non-module name
    files = {
        "pkg/__init__.py": "",
        "pkg/a.py": "import typing\nif typing.TYPE_CHECKING:\n    from pkg.b import B\n",
        "pkg/b.py": "def f():\n    from . import a\n    from pkg import name\n",
        "pkg/sub/__init__.py": "from .. import b\nimport pkg.a as alias\n",
    }
    for name, source in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(source)
    # when
    project = Project.read(tmp_path, ["pkg"])
    # then: `from pkg import name` is pkg itself, `from . import a` the module pkg.a
    assert {(i.importer, i.imported) for i in project.imports} == {
        ("pkg.a", "typing"),
        ("pkg.a", "pkg.b"),
        ("pkg.b", "pkg.a"),
        ("pkg.b", "pkg"),
        ("pkg.sub", "pkg.b"),
        ("pkg.sub", "pkg.a"),
    }
    assert [c.path for c in find_cycles(project.graph())] == [("pkg.a", "pkg.b", "pkg.a")]
