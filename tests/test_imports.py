"""The floors of the code, checked from the import statements of every module (those
inside functions and under TYPE_CHECKING included):

    models/, codebooks/   never import tui/ or Textual
    tui/widgets/          never imports tui/screens/ or tui/app.py
    tui/screens/          never imports tui/app.py (screens ask the app by messages)

and no two modules import each other, directly or round a circle."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("models", "codebooks", "tui")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}


def imports(path: Path, known: set[str]) -> set[str]:
    """Modules `path` imports: project modules by their name, others by their top name."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                out.add(sub if sub in known else node.module)
    return out


def with_parents(name: str, deps: set[str], known: set[str]) -> set[str]:
    """Importing a.b.c runs the packages a and a.b first: a dependency on each (but on
    the importer's own packages, already being imported when it runs)."""
    out = set(deps)
    for dep in deps:
        parts = dep.split(".")
        for n in range(1, len(parts)):
            parent = ".".join(parts[:n])
            if parent in known and not name.startswith(parent + "."):
                out.add(parent)
    return out


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: with_parents(name, imports(path, known), known)
            for name, path in mods.items()}


def test_floors() -> None:
    wrong = []
    for name, deps in graph().items():
        for dep in deps:
            if name.startswith(("models", "codebooks")) and dep.startswith(("tui", "textual")):
                wrong.append(f"{name} -> {dep}")
            if name.startswith("tui.widgets") and dep.startswith(("tui.screens", "tui.app")):
                wrong.append(f"{name} -> {dep}")
            if name.startswith("tui.screens") and dep.startswith("tui.app"):
                wrong.append(f"{name} -> {dep}")
    assert not wrong, "imports across the floors:\n" + "\n".join(sorted(wrong))


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in edges:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles() -> None:
    assert cycles(graph()) == []


def test_the_check_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    # a module importing a package's module also runs the package's __init__
    known = {"p", "p.keys", "p.decisions", "persons"}
    edges = {"persons": with_parents("persons", {"p.keys"}, known), "p": {"p.decisions"},
             "p.decisions": with_parents("p.decisions", {"persons", "p.keys"}, known),
             "p.keys": set()}
    assert cycles(edges) == [["p", "p.decisions", "persons"]]


def test_every_module_imports() -> None:
    """A name imported that is gone (a screen importing a renamed helper) fails here,
    not in front of the operator when the window is first opened."""
    import importlib

    for name in sorted(modules()):
        if not name.startswith("tui.cli.__main__"):
            importlib.import_module(name)


def test_no_file_over_500_lines() -> None:
    """Small rooms: a file over 500 lines is split (schema migrations excepted)."""
    big = []
    for folder in ("models", "tui", "codebooks", "tests", "bench"):
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            n = len(path.read_text(encoding="utf-8").splitlines())
            if n > 500:
                big.append(f"{path.relative_to(ROOT)}: {n} lines")
    assert not big, "\n".join(big)


def test_no_unchecked_type_ignore() -> None:
    """No type checker runs in the test command, so a `type: ignore` checks nothing."""
    found = [f"{path.relative_to(ROOT)}:{n}"
             for folder in ("models", "tui", "codebooks", "tests", "bench")
             for path in (ROOT / folder).rglob("*.py")
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if "# type: " + "ignore" in line]
    assert not found, found
