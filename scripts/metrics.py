"""The shape of the package, measured from its own AST: the largest module, class and function
(in lines), and every import cycle between perfscore's modules, imports inside functions
included.

    python scripts/metrics.py            # the figures, the ten largest of each kind, the cycles
    python scripts/metrics.py --json     # the same, as JSON (tests/test_architecture.py uses it)
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "perfscore"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _span(node: ast.AST) -> int:
    return int(getattr(node, "end_lineno", 0) or 0) - int(getattr(node, "lineno", 0) or 0) + 1


def definitions(tree: ast.Module, prefix: str) -> Iterator[tuple[str, str, int]]:
    """(kind, qualified name, lines) of every class and function, nested ones included."""
    stack: list[tuple[ast.AST, str]] = [(tree, prefix)]
    while stack:
        node, name = stack.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                yield "class", f"{name}.{child.name}", _span(child)
                stack.append((child, f"{name}.{child.name}"))
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield "function", f"{name}.{child.name}", _span(child)
                stack.append((child, f"{name}.{child.name}"))
            else:
                stack.append((child, name))


def _executed(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node, less the bodies of ``if TYPE_CHECKING:`` (imports for type hints only)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                stack.extend(child.orelse)
            else:
                stack.append(child)


def imports(tree: ast.Module, name: str, is_package: bool, known: set[str]) -> set[str]:
    """perfscore modules that ``name`` imports anywhere in its body (functions included; not
    under ``if TYPE_CHECKING:``, which never runs)."""
    package = name if is_package else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in _executed(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                stem = ".".join([*base, node.module] if node.module else base)
            else:
                stem = node.module or ""
            targets = [stem] + [f"{stem}.{alias.name}" for alias in node.names]
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    out.append(sorted(component))
    return out


def measure() -> dict[str, Any]:
    found = modules()
    known = set(found)
    sizes: dict[str, int] = {}
    defs: list[tuple[str, str, int]] = []
    graph: dict[str, set[str]] = {}
    for name, path in found.items():
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        sizes[name] = len(text.splitlines())
        defs.extend(definitions(tree, name))
        graph[name] = imports(tree, name, path.name == "__init__.py", known)
    classes = sorted(((n, s) for k, n, s in defs if k == "class"), key=lambda x: -x[1])
    functions = sorted(((n, s) for k, n, s in defs if k == "function"), key=lambda x: -x[1])
    return {
        "modules": sorted(sizes.items(), key=lambda x: -x[1]),
        "classes": classes,
        "functions": functions,
        "graph": {k: sorted(v) for k, v in sorted(graph.items())},
        "cycles": cycles(graph),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    data = measure()
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=1))
        return 0
    print(f"{len(data['modules'])} modules")
    for kind in ("modules", "classes", "functions"):
        print(f"largest {kind}:")
        for name, size in data[kind][:10]:
            print(f"  {size:5d}  {name}")
    print(f"functions over 60 lines: {sum(1 for _, s in data['functions'] if s > 60)}")
    print(f"import cycles: {len(data['cycles'])}")
    for cycle in data["cycles"]:
        print("  " + " ↔ ".join(cycle))
    return 0


if __name__ == "__main__":
    sys.exit(main())
