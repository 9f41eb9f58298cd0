"""The package layout: every import points down the pipeline, and none goes round in a circle.

A plan travels inputs -> core -> advice -> report -> cli and web; the packages build on
each other in the order of LAYERS, and a module may import only from its own package or
one below it. Imports inside functions count too: they are deferred, not absent.
"""

from __future__ import annotations

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parent.parent / "engine"
# Lowest first: the core's records are what the inputs build and every later stage reads.
LAYERS = ("core", "inputs", "advice", "authoring", "report", "web", "cli")


def module_name(path: Path) -> str:
    parts = path.relative_to(ENGINE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(ENGINE.rglob("*.py"))}


def imported_modules(name: str) -> set[str]:
    """The engine modules that ``name`` imports, wherever in the module the import is."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, package)
            found |= {f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names}
    return {module for module in found if module in MODULES and module != name}


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
    return ".".join(parts + ([node.module] if node.module else []))


def layer(name: str) -> int:
    """The rank of a module's package; the ``engine`` package itself (its version) is below all."""
    parts = name.split(".")
    if len(parts) == 1:
        return -1
    if parts[1] == "__main__":
        return len(LAYERS)
    return LAYERS.index(parts[1])


GRAPH = {name: imported_modules(name) for name in MODULES}


def test_every_module_sits_in_a_package_of_the_pipeline() -> None:
    loose = [name for name in MODULES if name.count(".") == 1
             and name.split(".")[1] not in (*LAYERS, "__main__")]  # fmt: skip
    assert loose == []


def test_every_package_says_what_it_holds_and_may_import() -> None:
    for package in LAYERS:
        docstring = ast.get_docstring(ast.parse((ENGINE / package / "__init__.py").read_text()))
        assert docstring, f"engine/{package}/__init__.py has no docstring"


def test_no_module_imports_from_a_package_above_its_own() -> None:
    upward = sorted(f"{name} imports {target}" for name, targets in GRAPH.items()
                    for target in targets if layer(target) > layer(name))  # fmt: skip
    assert upward == []


def test_no_imports_go_round_in_a_circle() -> None:
    assert find_cycles(GRAPH) == []


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each strongly connected group of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(cycles)


def test_the_cycle_finder_finds_a_circle_and_nothing_else() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert find_cycles(graph) == [["a", "b", "c"]]


def test_the_layer_check_sees_an_upward_import() -> None:
    assert layer("engine.core.evaluate") < layer("engine.advice.explain")
    assert layer("engine") < layer("engine.core.model") < layer("engine.cli.main")
