"""One HTML document holding the whole built book, for ``tools/build_pdf.py`` to print.

Every document of ``_toc.yml`` is taken in order from ``_build/html``; its article is
copied into the print document with ids made unique per page (``p-<page>--<id>``), links
between pages turned into links inside the document, links outside the book kept,
folded code sources dropped, and the folded solutions moved to a closing part.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlparse

import yaml
from bs4 import BeautifulSoup, Tag

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
PRINT_CSS = Path(__file__).with_name("book_print.css")
Outline = list[tuple[str, str, list[tuple[str, str]]]]
BASE = "http://book.invalid/"  # resolves the pages' relative links; never fetched
TITLE = "Regularization in Neural Networks"


def toc_entries(root: Path = ROOT) -> list[tuple[str | None, str]]:
    """``(part caption or None, document)`` for every document of ``_toc.yml``, in order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    out: list[tuple[str | None, str]] = [(None, toc["root"])]

    def walk(entries: list | None, caption: str | None) -> None:
        for entry in entries or []:
            if "file" in entry:
                out.append((caption, entry["file"]))
            walk(entry.get("sections"), caption)

    for part in toc.get("parts", []):
        walk(part.get("chapters"), part.get("caption"))
    walk(toc.get("chapters"), None)
    return out


def slug(doc: str) -> str:
    """The print document's id for a page: ``book/05_dropout`` → ``p-book-05_dropout``."""
    return "p-" + re.sub(r"[^A-Za-z0-9_]+", "-", doc)


def _target(doc: str, href: str, docs: set[str]) -> str | None:
    """Where a link of ``doc`` points inside the print document, or None if outside."""
    url = urlparse(urljoin(BASE + doc + ".html", href))
    if url.scheme != "http" or url.netloc != "book.invalid":
        return None
    target = url.path.lstrip("/").removesuffix(".html")
    if target not in docs:
        return None
    return f"#{slug(target)}--{url.fragment}" if url.fragment else f"#{slug(target)}"


def _fix_article(doc: str, article: Tag, docs: set[str], solutions: list[Tag]) -> None:
    """Rewrite one page's article in place for the print document."""
    page = slug(doc)
    for hidden in article.select("details.hide, a.headerlink, .toggle-button"):
        hidden.decompose()
    for el in article.find_all(id=True):
        el["id"] = f"{page}--{el['id']}"
    for a in article.find_all("a", href=True):
        href = str(a["href"])
        internal = _target(doc, href, docs)
        if internal is not None:
            a["href"] = internal
        elif not urlparse(href).scheme:  # a local file the book does not hold
            a.unwrap()
    for img in article.find_all("img", src=True):
        src = urlparse(urljoin(BASE + doc + ".html", str(img["src"])))
        if src.netloc == "book.invalid":
            img["src"] = src.path.lstrip("/")
    for pre in article.select("pre.mermaid"):
        text = pre.string or ""
        pre.string = re.sub(
            r'(click\s+\S+\s+(?:href\s+)?")([^"]+)(")',
            lambda m: m.group(1) + (_target(doc, m.group(2), docs) or m.group(2)) + m.group(3),
            text,
        )
    for sol in article.select("div.solution"):
        pointer = article.new_tag("p", attrs={"class": "solution-pointer"})
        link = article.new_tag("a", href=f"#{sol['id']}")
        link.string = "Solution: in “Solutions to the exercises” at the end of the book."
        pointer.append(link)
        sol.replace_with(pointer)
        solutions.append(sol)


def _copy_scripts(doc: str, page: BeautifulSoup, head: Tag, seen: set[str]) -> None:
    """Copy MathJax and Mermaid (loaded only by pages that use them) into ``head`` once."""
    for script in page.find_all("script"):
        text, src = script.string or "", str(script.get("src", ""))
        if not ("MathJax" in text or "import mermaid" in text or "mathjax/" in src):
            continue
        key = src.split("?")[0] or text
        if key in seen:
            continue
        seen.add(key)
        if src:
            script["src"] = urlparse(urljoin(BASE + doc + ".html", src)).path.lstrip("/")
        if script.get("type") == "module":
            script.string = text.replace("../_static/", "./_static/")
        head.append(script)


def print_document(html: Path = HTML) -> tuple[str, Outline]:
    """The whole book as one HTML document, for Chromium to print, and its outline.

    The outline lists ``(title, id, [(section title, id), ...])`` per page, in order.
    """
    entries = toc_entries()
    docs = {doc for _, doc in entries}
    first = BeautifulSoup(
        (html / f"{entries[1][1]}.html").read_text(encoding="utf-8"), "html.parser"
    )
    out = BeautifulSoup(
        "<!DOCTYPE html><html lang='en'><head></head><body></body></html>", "html.parser"
    )
    head, body = out.head, out.body
    assert head is not None and body is not None
    head.append(out.new_tag("meta", charset="utf-8"))
    title = out.new_tag("title")
    title.string = TITLE
    head.append(title)
    for link in first.select("link[rel=stylesheet]"):
        link["href"] = urlparse(
            urljoin(BASE + entries[1][1] + ".html", str(link["href"]))
        ).path.lstrip("/")
        head.append(link)
    style = out.new_tag("style")
    style.string = PRINT_CSS.read_text(encoding="utf-8")
    head.append(style)

    cover = out.new_tag("div", attrs={"class": "print-title"})
    cover.append(
        BeautifulSoup(
            "<p class='book-title'>Regularization in Neural Networks</p>"
            "<p class='book-sub'>An executable course. Printed from the website; every number and"
            " figure was computed when the book was built.</p>",
            "html.parser",
        )
    )
    body.append(cover)
    toc = out.new_tag("nav", attrs={"class": "print-toc"})
    body.append(toc)

    seen: set[str] = set()
    solutions: list[Tag] = []
    outline: list[tuple[str, str, list[tuple[str, str]]]] = []
    toc_html = ["<p class='toc-heading'>Contents</p>"]
    caption_seen: str | None = None
    for caption, doc in entries:
        page = BeautifulSoup((html / f"{doc}.html").read_text(encoding="utf-8"), "html.parser")
        _copy_scripts(doc, page, head, seen)
        article = page.select_one("article.bd-article")
        if article is None:
            raise ValueError(f"{doc}.html has no article.bd-article: was the site built?")
        _fix_article(doc, article, docs, solutions)
        h1 = article.find("h1")
        name = h1.get_text(" ", strip=True) if h1 else doc
        sections = [
            (h2.get_text(" ", strip=True), str(h2.parent["id"]))
            for h2 in article.find_all("h2")
            if h2.parent is not None and h2.parent.get("id")
        ]
        outline.append((name, slug(doc), sections))
        if caption and caption != caption_seen:
            toc_html.append(f"<p class='toc-part'>{caption}</p>")
            caption_seen = caption
        subs = "".join(f"<li><a href='#{i}'>{t}</a></li>" for t, i in sections)
        toc_html.append(f"<ul><li><a href='#{slug(doc)}'>{name}</a><ul>{subs}</ul></li></ul>")
        section = out.new_tag("section", attrs={"class": "print-doc", "id": slug(doc)})
        section.extend(list(article.contents))
        body.append(section)
    if solutions:
        toc_html.append("<ul><li><a href='#p-solutions'>Solutions to the exercises</a></li></ul>")
        section = out.new_tag("section", attrs={"class": "print-doc", "id": "p-solutions"})
        h1 = out.new_tag("h1")
        h1.string = "Solutions to the exercises"
        section.append(h1)
        section.extend(solutions)
        body.append(section)
        outline.append(("Solutions to the exercises", "p-solutions", []))
    toc.append(BeautifulSoup("".join(toc_html), "html.parser"))
    return str(out), outline
