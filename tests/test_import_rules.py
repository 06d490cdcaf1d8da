"""The layout's rules, read from the source with ``ast`` (nothing is imported), so they stay true:
no import rings, the pure core stays pure, the CDM emulator and the client never reach into the
web app, only the client talks HTTP, and the apps import each other in one direction."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "cdmweb"


def module_files(root: Path, package: str) -> dict[str, Path]:
    """Every module of ``package`` under ``root`` by dotted name, migrations aside."""
    modules = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if "migrations" in parts:
            continue
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    return modules


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """What a module imports, anywhere in it (functions and ``TYPE_CHECKING`` blocks included),
    as dotted names: a project module where the import names one, else the imported name."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                origin = ".".join([*base, node.module] if node.module else base)
            else:
                origin = node.module or ""
            for alias in node.names:
                # "from . import audit" imports the module audit; "from .models import X" imports models.
                candidate = f"{origin}.{alias.name}"
                found.add(candidate if candidate in known else origin)
    return found


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    modules = module_files(root, package)
    known = set(modules)
    return {name: imports_of(name, path, known) for name, path in modules.items()}


def rings(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import rings among the graph's own modules (strongly connected components, Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in graph:
                continue
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph[node]:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    """Everything ``start`` imports, directly or through other project modules."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        for other in graph.get(todo.pop(), ()):
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return seen


def within(name: str, *packages: str) -> bool:
    return any(name == package or name.startswith(package + ".") for package in packages)


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph(ROOT, PACKAGE)


def test_no_module_imports_one_that_imports_it_back(graph):
    assert rings(graph) == []


def test_the_job_core_imports_no_django_and_nothing_of_the_web_app(graph):
    for name in (n for n in graph if within(n, "cdmweb.jobspec")):
        everything = reachable(graph, name)
        assert not [m for m in everything if within(m, "django", "django_tasks", "django_htmx")], name
        assert not [m for m in everything if within(m, "cdmweb.jobs", "requests")], name


def test_the_emulator_the_client_and_the_catalogue_never_import_the_web_app(graph):
    for name, imported in graph.items():
        if within(name, "cdmweb.sandbox", "cdmweb.cdm", "cdmweb.catalog", "cdmweb.jobspec", "cdmweb.accounts"):
            assert not [m for m in imported if within(m, "cdmweb.jobs")], name


def test_only_the_cdm_client_talks_http(graph):
    talking = sorted(name for name, imported in graph.items() if any(within(m, "requests") for m in imported))
    assert talking and all(within(name, "cdmweb.cdm") for name in talking), talking


def test_the_apps_import_each_other_in_one_direction(graph):
    def area(name: str) -> str:
        return ".".join(name.split(".")[:2])

    areas = {area(n) for n in graph}
    between = {a: set() for a in areas}
    for name, imported in graph.items():
        between[area(name)].update(area(m) for m in imported if area(m) in areas and area(m) != area(name))
    assert rings(between) == []


def test_the_checks_see_a_ring_hidden_in_a_function_and_a_relative_import(tmp_path):
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "sub" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "sub" / "a.py").write_text("from . import b\n")
    (tmp_path / "pkg" / "sub" / "b.py").write_text("def later():\n    from ..c import thing\n")
    (tmp_path / "pkg" / "c.py").write_text("import requests\nfrom pkg.sub.a import x\n")
    found = import_graph(tmp_path, "pkg")
    assert found["pkg.sub.a"] == {"pkg.sub.b"} and found["pkg.sub.b"] == {"pkg.c"}
    assert rings(found) == [["pkg.c", "pkg.sub.a", "pkg.sub.b"]]
    assert "requests" in reachable(found, "pkg.sub.a")
