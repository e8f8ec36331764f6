"""Turn the book's MyST markdown into plain Markdown that Jupyter and Colab render.

The chapters are written for Jupyter Book: citations, cross-references, labels and
directives are MyST syntax that a plain notebook viewer shows as raw text. For the
student notebooks (:mod:`course_build`) this module rewrites them:

* ``{cite:t}`key``` → ``Author (Year)``, ``{cite:p}`a,b``` → ``(Author, Year; …)``, from
  ``book/references.bib``;
* ``{doc}``, ``{ref}`` and ``{numref}`` → links to the published page (:func:`site_url`);
* ``(label)=`` lines are removed;
* ``{admonition}``, ``{note}``, ``{tip}``, ``{warning}`` … fences → a bold title and a
  blockquote; ``{exercise}`` → an ``### Exercise:`` heading; ``{mermaid}`` → a link to
  the page that draws the diagram; ``{math}`` → ``$$ … $$``;
* ``{glue:text}`name:.2f``` (a number the lesson computes) → ```name```, the variable's
  stored name without its format;
* any other role or directive is reduced to its text, so nothing raw is left
  (:func:`raw_myst_lines` finds what would be).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"

FENCE_OPEN = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}(?P<arg>[^\n]*)$"
)
ROLE = re.compile(r"\{(?P<name>[\w:-]+)\}`(?P<text>[^`]+)`")
LABEL_LINE = re.compile(r"^\s*\((?P<label>[^()\s]+)\)=\s*$")
OPTION = re.compile(r"^\s*:(?P<key>[\w-]+):(?P<value>.*)$")
TITLE_TARGET = re.compile(r"^(?P<title>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
# A line that still carries MyST syntax: a role, a directive fence or a label line.
RAW_MYST = re.compile(r"\{[\w:-]+\}`|^\s*(`{3,}|:{3,})\{[\w:-]+\}|^\s*\([^()\s]+\)=\s*$", re.M)
ADMONITIONS = {
    "note": "Note",
    "tip": "Tip",
    "hint": "Hint",
    "important": "Important",
    "warning": "Warning",
    "caution": "Caution",
    "attention": "Attention",
    "danger": "Danger",
    "error": "Error",
    "seealso": "See also",
}


def site_url(root: Path = ROOT) -> str:
    """Address of the published book, derived from ``repository.url`` in ``_config.yml``.

    ``html.baseurl`` wins when it is set; otherwise ``https://github.com/<owner>/<repo>``
    is published by GitHub Pages at ``https://<owner>.github.io/<repo>/``.

    Example:
        >>> site_url().startswith("https://") and site_url().endswith("/")
        True
    """
    cfg = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    base = (cfg.get("html") or {}).get("baseurl")
    if base:
        return base.rstrip("/") + "/"
    url = cfg["repository"]["url"].rstrip("/")
    match = re.fullmatch(r"https://github\.com/(?P<owner>[^/]+)/(?P<repo>[^/]+?)(\.git)?", url)
    if match is None:
        raise ValueError(f"repository.url must be a GitHub repository URL, got {url!r}")
    return f"https://{match['owner'].lower()}.github.io/{match['repo']}/"


def _cells_text(path: Path) -> list[str]:
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        return [
            "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in nb["cells"]
            if c["cell_type"] == "markdown"
        ]
    return [path.read_text(encoding="utf-8")]


def _latex_to_text(text: str) -> str:
    text = re.sub(r"\\[`'^\"~=.]\{?([A-Za-z])\}?", r"\1", text)  # accents: keep the letter
    return text.replace("{", "").replace("}", "").replace("\\&", "&")


@dataclass
class Book:
    """Everything the conversion needs to know about the book: pages, labels, works."""

    root: Path = ROOT
    base: str = ""
    titles: dict[str, str] = field(default_factory=dict)  # page -> title
    labels: dict[str, str] = field(default_factory=dict)  # label -> page
    figures: dict[str, str] = field(default_factory=dict)  # figure name -> caption
    works: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (authors, year)

    @classmethod
    def load(cls, root: Path = ROOT) -> Book:
        book = cls(root=root, base=site_url(root))
        for path in sorted((root / "book").glob("*")):
            if path.suffix not in {".md", ".ipynb"}:
                continue
            if path.suffix == ".md" and path.with_suffix(".ipynb").exists():
                continue  # a chapter's source: its notebook (same cells) is read instead
            page = f"book/{path.stem}"
            for text in _cells_text(path):
                for line in text.splitlines():
                    m = LABEL_LINE.match(line)
                    if m:
                        book.labels[m["label"]] = page
                    elif line.startswith("# ") and page not in book.titles:
                        book.titles[page] = line[2:].strip()
                for m in re.finditer(r"^:label:\s*(\S+)", text, re.M):
                    book.labels[m.group(1)] = page
            if path.suffix == ".ipynb":
                for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
                    fig = cell.get("metadata", {}).get("mystnb", {}).get("figure", {})
                    if fig.get("name"):
                        book.labels[fig["name"]] = page
                        book.figures[fig["name"]] = str(fig.get("caption", ""))
        book.works = _read_bib(root / "book" / "references.bib")
        return book

    def url(self, page: str, anchor: str = "") -> str:
        return f"{self.base}{page}.html" + (f"#{anchor}" if anchor else "")

    def page_of(self, target: str, current: str) -> str:
        """The page a ``{doc}`` target names, relative to the page ``current``."""
        if target.startswith("/"):
            return target.lstrip("/")
        return str(Path(current).parent / target).replace("\\", "/")


def _read_bib(path: Path) -> dict[str, tuple[str, str]]:
    from pybtex.database import parse_file

    works = {}
    for key, entry in parse_file(str(path)).entries.items():
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        last = [_latex_to_text(" ".join(p.last_names)) for p in people]
        if not last:
            names = _latex_to_text(entry.fields.get("organization", key))
        elif len(last) == 1:
            names = last[0]
        elif len(last) == 2:
            names = f"{last[0]} and {last[1]}"
        else:
            names = f"{last[0]} et al."
        works[key] = (names, entry.fields.get("year", "n.d."))
    return works


class Converter:
    """Rewrites the markdown of one page of the book."""

    def __init__(self, book: Book, page: str) -> None:
        self.book = book
        self.page = page

    # Roles -----------------------------------------------------------------------
    def cite(self, keys: str, parenthetical: bool) -> str:
        parts = []
        for key in (k.strip() for k in keys.split(",")):
            if key not in self.book.works:
                raise KeyError(f"{self.page}: citation {key!r} is not in references.bib")
            names, year = self.book.works[key]
            parts.append(f"{names}, {year}" if parenthetical else f"{names} ({year})")
        return f"({'; '.join(parts)})" if parenthetical else ", ".join(parts)

    def role(self, match: re.Match[str]) -> str:
        name, text = match["name"], " ".join(match["text"].split())
        if name in {"cite:t", "cite:ts", "cite"}:
            return self.cite(text, parenthetical=False)
        if name in {"cite:p", "cite:ps"}:
            return self.cite(text, parenthetical=True)
        titled = TITLE_TARGET.match(text)
        title, target = (titled["title"], titled["target"]) if titled else ("", text)
        if name == "doc":
            page = self.book.page_of(target, self.page)
            return f"[{title or self.book.titles.get(page, target)}]({self.book.url(page)})"
        if name in {"ref", "numref", "eq"}:
            page = self.book.labels.get(target)
            if page is None:
                raise KeyError(f"{self.page}: reference to unknown label {target!r}")
            if not title and name == "numref" and target in self.book.figures:
                caption = re.split(r"(?<=[.:;])\s", self.book.figures[target].strip())[0]
                title = f"the figure “{caption.rstrip('.:;')}”"
            title = (title or target).replace("%s", "").strip()
            return f"[{title}]({self.book.url(page, target)})"
        if name.startswith("glue"):
            # A number the lesson computes (lessons_lib.prose.glue): the notebook shows the
            # name it is stored under; running the cells prints the value.
            return f"`{text.split('::')[-1].split(':')[0]}`"
        return f"`{text}`" if name not in {"math"} else f"${text}$"

    # Directives --------------------------------------------------------------------
    def directive(self, name: str, arg: str, body: list[str]) -> list[str]:
        options = {}
        while body and OPTION.match(body[0]):
            m = OPTION.match(body[0])
            options[m["key"]] = m["value"].strip()
            body = body[1:]
        text = self.convert("\n".join(body)).strip("\n").splitlines()
        if name == "exercise":
            return [f"### Exercise: {arg or 'Exercise'}", "", *text]
        if name == "math":
            return ["$$", *text, "$$"]
        if name == "mermaid":
            return [
                f"*A diagram is drawn here on the [published page]({self.book.url(self.page)}).*"
            ]
        if name in {"code-block", "code", "sourcecode"}:
            return [f"```{arg}", *body, "```"]
        title = arg or ADMONITIONS.get(name, name.replace("-", " ").capitalize())
        if name == "admonition" and not arg:
            title = "Note"
        quoted = [f"> {ln}" if ln.strip() else ">" for ln in text]
        return [f"> **{self.convert(title)}**", ">", *quoted]

    def convert(self, text: str) -> str:
        """Plain-Markdown version of ``text``."""
        lines = text.split("\n")
        out: list[str] = []
        i = 0
        while i < len(lines):
            line = lines[i]
            if LABEL_LINE.match(line):
                i += 1
                continue
            m = FENCE_OPEN.match(line)
            if m:
                fence = m["fence"]
                close = re.compile(rf"^\s*{re.escape(fence)}\s*$")
                j = i + 1
                while j < len(lines) and not close.match(lines[j]):
                    j += 1
                body = lines[i + 1 : j]
                indent = m["indent"]
                out += [
                    indent + ln if ln else ln
                    for ln in self.directive(m["name"], m["arg"].strip(), body)
                ]
                i = j + 1
                continue
            out.append(line)
            i += 1
        result = "\n".join(out)
        # Roles may wrap across lines: match them on the joined text.
        return ROLE.sub(self.role, result)


def raw_myst_lines(text: str) -> list[str]:
    """Lines of ``text`` that still carry MyST syntax (roles, directives, labels)."""
    return [ln for ln in text.splitlines() if RAW_MYST.search(ln)] + [
        m.group(0) for m in re.finditer(r"\{[\w:-]+\}`[^`]*\n[^`]*`", text)
    ]
