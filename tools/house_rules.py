"""The house rules for lesson code, checked on the chapters' code cells.

* **No shadowing**: no name a notebook defines at top level (a variable, function,
  class or loop target) is also a public name of a ``lessons_lib`` module, unless the
  notebook imported that very name from the library.
* **One setup cell**: ``import`` statements appear only in the setup cell (and the
  Colab install cell and nbgrader's graded test cells).
* **Small visible cells**: a code cell a learner sees (not tagged ``remove-cell``) has
  at most ``MAX_LINES`` lines.
* **Helpers take their inputs as arguments**: a function defined in a notebook reads no
  notebook global other than imported names, functions and classes, and ALL_CAPS
  constants.

Usage::

    python tools/house_rules.py [--chapters 05 08]   # lists violations, exit 1 if any
"""

from __future__ import annotations

import argparse
import ast
import builtins
import importlib
import pkgutil
import symtable
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 40
INSTALL_TAG = "colab-install"


@dataclass(frozen=True)
class Violation:
    """One broken rule in one cell."""

    chapter: str
    cell: int
    rule: str
    detail: str

    def __str__(self) -> str:
        return f"{self.chapter} cell {self.cell}: {self.rule}: {self.detail}"


def library_names() -> dict[str, str]:
    """Public top-level names defined in ``lessons_lib`` modules -> the module defining them."""
    import lessons_lib

    names: dict[str, str] = {}
    for info in pkgutil.walk_packages(lessons_lib.__path__, "lessons_lib."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if name.startswith("_") or isinstance(value, type(sys)):
                continue
            home = getattr(value, "__module__", info.name)
            if home == info.name or not callable(value):
                if callable(value) or name.isupper():
                    names.setdefault(name, info.name)
    return names


def _code(cell: nbformat.NotebookNode) -> str:
    return "".join(cell.source)


def _tags(cell: nbformat.NotebookNode) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def _is_graded(cell: nbformat.NotebookNode) -> bool:
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("grade"))


def _parse(code: str) -> ast.Module | None:
    lines = [ln for ln in code.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def _top_level_targets(tree: ast.Module) -> set[str]:
    names: set[str] = set()

    def targets(node: ast.AST) -> None:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                names.add(sub.id)

    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            for t in node.targets if isinstance(node, ast.Assign) else [node.target]:
                targets(t)
        elif isinstance(node, (ast.For, ast.With)):
            targets(node.target if isinstance(node, ast.For) else node)
            for inner in node.body:
                if isinstance(inner, (ast.Assign, ast.AnnAssign)):
                    for t in inner.targets if isinstance(inner, ast.Assign) else [inner.target]:
                        targets(t)
    return names


def _imported(tree: ast.Module) -> dict[str, str]:
    """Names bound by imports -> the module they come from."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                found[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                found[alias.asname or alias.name.split(".")[0]] = alias.name
    return found


def _function_globals(code: str) -> dict[str, set[str]]:
    """For each function defined at top level: the global names it reads."""
    lines = [ln for ln in code.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    try:
        table = symtable.symtable("\n".join(lines), "cell", "exec")
    except SyntaxError:
        return {}
    out: dict[str, set[str]] = {}

    def collect(t: symtable.SymbolTable, acc: set[str]) -> None:
        for sym in t.get_symbols():
            if sym.is_global() and sym.is_referenced():
                acc.add(sym.get_name())
        for child in t.get_children():
            collect(child, acc)

    tree = ast.parse("\n".join(lines))
    defined = {
        n.name
        for n in tree.body
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    }
    for child in table.get_children():
        if child.get_name() not in defined:
            continue  # a comprehension or lambda at top level reads the cell's names
        if child.get_type() == "function":
            acc: set[str] = set()
            collect(child, acc)
            out[child.get_name()] = acc
        elif child.get_type() == "class":
            for method in child.get_children():
                acc = set()
                collect(method, acc)
                out[f"{child.get_name()}.{method.get_name()}"] = acc
    return out


def check_notebook(path: Path, library: dict[str, str] | None = None) -> list[Violation]:
    """Every violation of the house rules in the chapter notebook at ``path``."""
    library = library_names() if library is None else library
    nb = nbformat.read(path, as_version=4)
    chapter = path.stem
    code_cells = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    setup_index = next(
        (i for i, c in code_cells if "seed_everything(" in _code(c) and "import" in _code(c)),
        None,
    )
    found: list[Violation] = []
    imported: dict[str, str] = {}
    defined_callables: set[str] = set()
    constants: set[str] = set()
    trees = {}
    for i, cell in code_cells:
        tree = _parse(_code(cell))
        trees[i] = tree
        if tree is None:
            continue
        imported.update(_imported(tree))
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
                defined_callables.add(node.name)
        constants |= {n for n in _top_level_targets(tree) if n.isupper()}
    for i, cell in code_cells:
        tree = trees[i]
        tags = _tags(cell)
        if INSTALL_TAG in tags or _is_graded(cell):
            continue
        code = _code(cell)
        if "remove-cell" not in tags:
            n_lines = len(code.rstrip("\n").splitlines())
            if n_lines > MAX_LINES:
                found.append(Violation(chapter, i, "visible cell too long", f"{n_lines} lines"))
        if tree is None:
            continue
        if i != setup_index:
            for node in ast.walk(tree):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    what = ast.unparse(node)
                    found.append(Violation(chapter, i, "import outside the setup cell", what))
        for name in sorted(_top_level_targets(tree)):
            if name in library and not imported.get(name, "").startswith("lessons_lib"):
                detail = f"`{name}` is also {library[name]}.{name}"
                found.append(Violation(chapter, i, "shadows a library name", detail))
        allowed = set(imported) | defined_callables | constants | set(dir(builtins))
        for function, names in _function_globals(code).items():
            bad = sorted(names - allowed)
            if bad:
                detail = f"{function} reads {', '.join(bad)}"
                found.append(Violation(chapter, i, "helper reads notebook globals", detail))
    return found


def chapters(root: Path = ROOT) -> list[Path]:
    """The chapter notebooks, in order."""
    return sorted((root / "book").glob("[0-9][0-9]_*.ipynb"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapters", nargs="*", default=[], help="numbers or names")
    args = parser.parse_args(argv)
    library = library_names()
    paths = [
        p
        for p in chapters()
        if not args.chapters or any(p.stem.startswith(c) for c in args.chapters)
    ]
    violations = [v for p in paths for v in check_notebook(p, library)]
    for v in violations:
        print(v)
    print(f"{len(violations)} violation(s) in {len(paths)} chapter(s)", file=sys.stderr)
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
