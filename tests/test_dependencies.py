"""Every declared runtime dependency is imported by code that runs, and nothing runs undeclared.

The import graph of ``src/memgit`` is read with ``ast``: from the console script's module
(``memgit.__main__``), the hook package and the command modules the CLI registers, follow every
``import`` of a memgit module (at any depth, lazy imports included; ``if TYPE_CHECKING:`` blocks
excluded, they never run) and every ``importlib.import_module("...")`` of one. The third-party
modules those reached modules import are mapped to their distributions through the installed
metadata (``PyYAML`` → ``yaml``, ``whoosh3`` → ``whoosh``), and compared with pyproject's
``[project].dependencies``.
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import re
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "memgit"


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = set()
    for requirement in project["dependencies"]:
        match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
        assert match, requirement
        names.add(normalize(match.group()))
    return names


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node except those under ``if TYPE_CHECKING:`` (their ``else`` branch does run)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """Absolute names of the modules ``name`` imports when it runs."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            found.add(target)
            # `from memgit.extract import anthropic` imports a submodule.
            found.update(f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in known)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
    # Importing a.b.c runs a/__init__ and a/b/__init__ too.
    return {".".join(n.split(".")[:i]) for n in found for i in range(1, n.count(".") + 2)}


def roots(known: dict[str, Path]) -> set[str]:
    """The console script's module, the hooks, and the command modules ``memgit.cli`` loads."""
    tree = ast.parse(known["memgit.cli"].read_text(encoding="utf-8"))
    (listed,) = (
        ast.literal_eval(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "COMMAND_MODULES" for t in node.targets)
    )
    return {"memgit.__main__", "memgit.hooks", *(f"memgit.commands.{name}" for name in listed)}


@functools.cache
def reached() -> tuple[set[str], dict[str, set[str]]]:
    """The memgit modules that run, and the third-party top-level modules each imports."""
    known = modules()
    graph = {name: imports(name, path, known) for name, path in known.items()}
    seen: set[str] = set()
    todo = list(roots(known))
    while todo:
        name = todo.pop()
        if name in seen or name not in known:
            continue
        seen.add(name)
        todo.extend(graph[name])
    third_party: dict[str, set[str]] = {}
    for name in seen:
        for target in graph[name]:
            top = target.split(".")[0]
            if top and top != "memgit" and top not in sys.stdlib_module_names:
                third_party.setdefault(top, set()).add(name)
    return seen, third_party


@functools.cache
def installed() -> dict[str, list[str]]:
    return importlib.metadata.packages_distributions()


def distributions_of(top: str) -> set[str]:
    return {normalize(d) for d in installed().get(top, [])}


def test_the_graph_reaches_what_the_commands_run() -> None:
    seen, third_party = reached()
    # Spot checks that the walk follows lazy imports and import_module calls.
    for module in (
        "memgit.extract.anthropic",
        "memgit.extract.heuristic",
        "memgit.mcp_server",
        "memgit.web.server",
        "memgit.hooks.queue",
    ):
        assert module in seen, module
    assert {"yaml", "whoosh", "anthropic", "mcp", "starlette", "uvicorn"} <= set(third_party)


def test_every_declared_runtime_dependency_is_imported_by_code_that_runs() -> None:
    _, third_party = reached()
    used = {dist for top in third_party for dist in distributions_of(top)}
    unused = declared() - used
    assert not unused, (
        f"declared in pyproject's dependencies but imported by no module that runs: "
        f"{sorted(unused)} (remove them, or move them to an extra that says what needs them)"
    )


def test_every_third_party_import_that_runs_is_declared() -> None:
    _, third_party = reached()
    wanted = declared()
    undeclared = {
        top: sorted(where)
        for top, where in third_party.items()
        if not distributions_of(top) & wanted
    }
    assert not undeclared, f"imported but not a declared runtime dependency: {undeclared}"


def test_the_development_only_tools_stay_out_of_the_runtime_dependencies() -> None:
    assert not declared() & {"gitpython", "pre-commit", "python-frontmatter", "pytest"}
