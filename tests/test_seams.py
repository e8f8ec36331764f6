"""Tests of the library's seams: the package map, import order by chapter, module size.

Static checks on the source (``ast``, no imports), so they cost milliseconds.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import lessons_lib

PACKAGE = Path(lessons_lib.__file__).parent
MODULES = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")
MAX_LINES = 300  # CONTRIBUTING's rule for a module a reader can hold in mind
ENTRY = re.compile(r"^ {4}(\w+): (.*)$")
CHAPTER = re.compile(r"\(ch\. (\d+)")


def package_map() -> dict[str, str]:
    """The ``Modules:`` section of the package docstring: name -> description."""
    doc = lessons_lib.__doc__ or ""
    section = doc.split("Modules", 1)[1]
    entries: dict[str, str] = {}
    for line in section.splitlines():
        match = ENTRY.match(line)
        if match:
            entries[match[1]] = match[2]
    return entries


def chapters() -> dict[str, int]:
    """Each module's chapter: the first ``(ch. N)`` of its entry in the package map."""
    found = {}
    for name, text in package_map().items():
        match = CHAPTER.search(text)
        if match:
            found[name] = int(match[1])
    return found


def library_imports(module: str, level: int = 1) -> list[tuple[str, list[str], int]]:
    """``(imported module, imported names, line)`` for each import of a library module.

    ``module`` is a path below the package without ``.py`` (``"checks/ch05"``); ``level``
    is how many dots a relative import of a library module has from there.
    """
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = node.module or ""
            if node.level == level or source.startswith("lessons_lib."):
                target = source.removeprefix("lessons_lib.").split(".")[0]
                names = [alias.name for alias in node.names]
                if not target:  # "from . import x"
                    found += [(n, [], node.lineno) for n in names]
                else:
                    found.append((target, names, node.lineno))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("lessons_lib."):
                    found.append((alias.name.split(".")[1], [], node.lineno))
    return found


def test_the_package_map_lists_every_module_once_with_its_chapter():
    entries = package_map()
    assert len(entries) > 20, "the package map was not found in lessons_lib.__doc__"
    assert sorted(set(entries) - {"checks"}) == MODULES, (
        f"missing from the map: {sorted(set(MODULES) - set(entries))}; "
        f"listed but absent: {sorted(set(entries) - set(MODULES) - {'checks'})}"
    )
    unnumbered = sorted(set(MODULES) - set(chapters()))
    assert not unnumbered, f"package map entries without a (ch. N): {unnumbered}"


def test_no_module_imports_from_a_later_chapter():
    chapter = chapters()
    backwards = [
        f"{module} (ch. {chapter[module]}) imports {target} (ch. {chapter[target]}), line {line}"
        for module in MODULES
        for target, _, line in library_imports(module)
        if target in chapter and chapter[target] > chapter[module]
    ]
    assert not backwards, "\n".join(backwards)


def test_no_module_imports_another_modules_private_name():
    private = [
        f"{module} imports {target}.{name}, line {line}"
        for module in MODULES
        for target, names, line in library_imports(module)
        for name in [target, *names]
        if name.startswith("_")
    ]
    assert not private, "\n".join(private)


CHECKS = sorted(p.stem for p in (PACKAGE / "checks").glob("ch[0-9][0-9]*.py"))


@pytest.mark.parametrize("check", CHECKS)
def test_a_chapters_checks_import_no_later_chapter_and_no_private_name(check):
    chapter, number = chapters(), int(check[2:4])
    imports = library_imports(f"checks/{check}", level=2)
    later = [t for t, _, _ in imports if chapter.get(t, 0) > number]
    private = [f"{t}.{n}" for t, names, _ in imports for n in [t, *names] if n.startswith("_")]
    assert not later and not private, (later, private)


@pytest.mark.parametrize("module", MODULES)
def test_modules_stay_short(module):
    lines = len((PACKAGE / f"{module}.py").read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"lessons_lib/{module}.py has {lines} lines, over {MAX_LINES}"


@pytest.mark.parametrize("module", sorted(p.stem for p in (PACKAGE / "checks").glob("*.py")))
def test_check_modules_stay_short(module):
    lines = len((PACKAGE / "checks" / f"{module}.py").read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"lessons_lib/checks/{module}.py has {lines} lines, over {MAX_LINES}"


def test_the_checks_find_what_they_look_for():
    # The helpers above must see a backwards and a private import when there is one.
    assert ("augmentation", ["check_images", "random_boxes"]) in [
        (t, n) for t, n, _ in library_imports("mixing")
    ]
    assert chapters()["capstone"] == 10 and chapters()["data"] == 1
    assert [t for t, _, _ in library_imports("checks/ch03", level=2)] == ["proximal"]
