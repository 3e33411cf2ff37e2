"""The import graph of the project's modules, read with `ast`, and the cycles in it.

Every import counts: at module level, inside functions and under `if TYPE_CHECKING:`.
A dependency only the type checker follows is still one a reader has to follow.
"""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Import:
    importer: str  # dotted module name
    imported: str  # dotted name of what it loads: a module wherever the name is one
    path: Path  # the importer's file, relative to the root
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line} imports {self.imported}"


@dataclass(frozen=True)
class Project:
    modules: dict[str, Path]
    imports: list[Import]

    @classmethod
    def read(cls, root: Path, packages: Iterable[str]) -> Project:
        modules = _modules(root, packages)
        found: dict[tuple[str, str, int], Import] = {}
        for name, path in modules.items():
            tree = ast.parse(path.read_text(), filename=str(path))
            package = name if path.name == "__init__.py" else name.rpartition(".")[0]
            for node in ast.walk(tree):
                for imported in _imported(node, package, modules):
                    key = (name, imported, node.lineno)
                    found[key] = Import(name, imported, path.relative_to(root), node.lineno)
        return cls(modules, list(found.values()))

    def graph(self) -> dict[str, set[str]]:
        """Module -> the project modules it imports (a package importing itself is no edge)."""
        graph: dict[str, set[str]] = {name: set() for name in self.modules}
        for i in self.imports:
            if i.imported in self.modules and i.imported != i.importer:
                graph[i.importer].add(i.imported)
        return graph


def _modules(root: Path, packages: Iterable[str]) -> dict[str, Path]:
    modules = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _imported(node: ast.AST, package: str, modules: Mapping[str, Path]) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:  # relative: `from .` is the package, each further dot one up
        parts = package.split(".")
        parents = parts[: len(parts) - node.level + 1]
        base = ".".join([*parents, base] if base else parents)
    # `from pkg import name` loads the module pkg.name if there is one, else pkg itself
    return [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]


@dataclass(frozen=True)
class Cycle:
    modules: tuple[str, ...]  # a group of mutually reachable modules, sorted
    path: tuple[str, ...]  # one shortest cycle through the first: a -> b -> ... -> a

    def __str__(self) -> str:
        rest = sorted(set(self.modules) - set(self.path))
        also = f" (same group: {', '.join(rest)})" if rest else ""
        return " -> ".join(self.path) + also


def find_cycles(graph: Mapping[str, Iterable[str]]) -> list[Cycle]:
    """Each group of two or more mutually reachable nodes (Tarjan's strongly connected
    components), with one cycle through it; sorted, for stable reports."""
    groups = [sorted(c) for c in _strongly_connected(graph) if len(c) > 1]
    return [
        Cycle(tuple(group), tuple(_shortest_cycle(group[0], set(group), graph)))
        for group in sorted(groups)
    ]


def _strongly_connected(graph: Mapping[str, Iterable[str]]) -> list[set[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph.get(node, ())):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:  # node is the root of a component: pop it whole
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            components.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def _shortest_cycle(start: str, members: set[str], graph: Mapping[str, Iterable[str]]) -> list[str]:
    """Breadth first from `start` back to it, inside its component (where a path exists)."""
    previous: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for successor in sorted(graph.get(node, ())):
            if successor == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return [*reversed(path), start]
            if successor in members and successor not in previous:
                previous[successor] = node
                queue.append(successor)
    raise AssertionError(f"{start} is on no cycle")
