"""The shape of the package: no import loops, and dependencies that point one way between stages.

Every ``import``/``from … import`` of a ``scorer`` module anywhere in a module counts (also those
inside functions or under ``TYPE_CHECKING``): a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from corpus_paths import REPO_ROOT

PACKAGE_DIR = REPO_ROOT / "scorer"

# What each stage may import (besides itself and the shared bottom: model, errors, the package root).
# commands → audit → pipeline → judge → rules/document → ingest → model; render only reads results.
ALLOWED = {
    "ingest": set(),
    "document": {"ingest"},
    "rules": {"ingest"},
    "judge": {"rules", "document", "ingest"},
    "pipeline": {"judge", "rules", "document", "ingest"},
    "render": {"rules"},  # rules: thresholds shown under 方法与局限; never judge, audit or pipeline
    "config": {"rules"},
    "audit": {"pipeline", "judge", "rules", "document", "ingest", "render", "config"},
    "commands": {"audit", "pipeline", "judge", "rules", "document", "ingest", "render", "config", "serve"},
    # The workspace sits at the level of the commands (the serve command starts it).
    "serve": {"audit", "pipeline", "rules", "render", "config"},
    "cli": {"commands"},
    "__main__": {"cli"},
}
BOTTOM = {"model", "errors", ""}


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def scorer_imports(path: Path, name: str, modules: set[str]) -> set[str]:
    """Scorer modules that ``path`` imports: ``from scorer.x import y`` imports module ``scorer.x.y`` when
    there is one (the package ``__init__`` only runs first), else ``scorer.x`` itself."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "scorer")
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            if base.split(".")[0] != "scorer":
                continue
            names = [f"{base}.{alias.name}" for alias in node.names]
            found.update(n for n in names if n in modules)
            if any(n not in modules for n in names):
                found.add(base)
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = {module_name(path): path for path in PACKAGE_DIR.rglob("*.py")}
    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        # Keep edges to real modules only; `from scorer.model import Role` names a class, not a module.
        edges[name] = {target for target in scorer_imports(path, name, set(modules)) if target in modules and target != name}
    return edges


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (as a path that starts and ends with the same module), or None."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return stack[stack.index(target) :] + [target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_the_graph_is_read(graph):
    # Guards the test itself: it must see the real modules and their imports.
    assert {"scorer.pipeline", "scorer.judge.match", "scorer.document.build", "scorer.render.html"} <= set(graph)
    assert "scorer.judge.structure" in graph["scorer.judge.match"]


def test_find_cycle_finds_a_loop():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_loops_inside_scorer(graph):
    cycle = find_cycle(graph)
    assert cycle is None, "import loop: " + " -> ".join(cycle)


def stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_dependencies_point_one_way_between_stages(graph):
    wrong = []
    for source, targets in graph.items():
        source_stage = stage(source)
        allowed = ALLOWED.get(source_stage)
        if allowed is None:
            assert source_stage in BOTTOM, f"{source}: stage {source_stage!r} has no entry in ALLOWED"
            allowed = set()
        for target in targets:
            target_stage = stage(target)
            if target_stage in BOTTOM or target_stage == source_stage or target_stage in allowed:
                continue
            wrong.append(f"{source} -> {target}")
    assert not wrong, "imports against the flow:\n" + "\n".join(sorted(wrong))


def test_bottom_imports_nothing_above_it(graph):
    for source, targets in graph.items():
        if stage(source) in ("model", "errors"):
            assert {stage(t) for t in targets} <= {"model", "errors"}, source


def test_every_stage_says_what_goes_in_and_out():
    for init in sorted(PACKAGE_DIR.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc) > 40, f"{init.relative_to(REPO_ROOT)} needs a module docstring"
