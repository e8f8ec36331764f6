"""The PDF of the whole book (``make pdf``, after ``make book``), opened as a reader's
PDF viewer opens it: every page of the table of contents is there, in order, as a
bookmark; the text holds no raw LaTeX or MyST outside the code listings; every figure of
the site's chapters made it; every internal link lands on a destination in the file.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from course_repo import HTML, toc_files

pytestmark = pytest.mark.offline
PDF = HTML / "downloads" / "regularization-in-neural-networks.pdf"
RAW = ["\\begin", "\\end{", "{ref}", "{glue", "{numref}", "$$", "|---|", "|—|", ":::"]


class _Page(HTMLParser):
    """The h1, the code listings and the figures of one page's article."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # inside <article>
        self.in_h1 = self.in_pre = self.in_link = False
        self.h1: list[str] = []
        self.code: list[str] = []
        self.images = self.sections = 0

    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class") or ""
        if tag == "article" and "bd-article" in cls:
            self.depth = 1
        elif self.depth:
            self.in_h1 |= tag == "h1" and not self.h1
            self.in_pre |= tag == "pre"
            self.images += tag == "img"
            self.sections += tag == "h2"
            self.in_link |= tag == "a" and "headerlink" in cls

    def handle_endtag(self, tag):
        if tag == "h1":
            self.in_h1 = False
        if tag == "pre":
            self.in_pre = False
        if tag == "a":
            self.in_link = False

    def handle_data(self, data):
        if self.in_h1 and not self.in_link:
            self.h1.append(data)
        if self.in_pre:
            self.code.append(data)


def _page(doc: str) -> _Page:
    parser = _Page()
    parser.feed((HTML / f"{doc}.html").read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def reader():
    from pypdf import PdfReader

    if not PDF.exists():
        pytest.fail(f"{PDF} is missing: run `make pdf` (after `make book`)")
    return PdfReader(PDF)


def _poppler(tool: str, *args: str) -> str:
    """Output of a poppler tool (pdftotext, pdfimages: ``make pdf`` installs them)."""
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} is missing: `apt-get install poppler-utils` (make pdf does this)")
    return subprocess.run([tool, *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def text(reader):
    return _poppler("pdftotext", "-enc", "UTF-8", str(PDF), "-")


def test_bookmarks_follow_the_table_of_contents(reader):
    top = [item.title for item in reader.outline if not isinstance(item, list)]
    titles = [" ".join("".join(_page(doc).h1).split()) for doc in toc_files()]
    assert top[: len(titles)] == titles
    assert top[len(titles) :] == ["Solutions to the exercises"]
    nested = [item for item in reader.outline if isinstance(item, list)]
    with_sections = sum(1 for doc in toc_files() if _page(doc).sections)
    assert len(nested) == with_sections, "a page's sections are missing from the bookmarks"


def test_titles_appear_in_order_in_the_text(text):
    flat = " ".join(text.split())
    position = 0
    for doc in toc_files():
        title = " ".join("".join(_page(doc).h1).split())
        found = flat.find(title, position)
        assert found >= 0, f"{title!r} missing from the PDF text (or out of order)"
        position = found + len(title)


def test_no_raw_markup_outside_code_listings(text):
    code = set()
    for doc in toc_files():
        for block in _page(doc).code:
            code.update(" ".join(line.split()) for line in block.splitlines())
    bad = []
    for line in text.splitlines():
        squeezed = " ".join(line.split())
        if any(marker in squeezed for marker in RAW) and not any(
            squeezed in c or c in squeezed for c in code if len(c) > 8
        ):
            bad.append(squeezed)
    assert not bad, f"raw LaTeX/MyST in the PDF text: {bad[:5]}"


def test_every_figure_of_the_site_is_printed():
    site = sum(_page(doc).images for doc in toc_files())
    rows = _poppler("pdfimages", "-list", str(PDF)).splitlines()[2:]
    printed = sum(1 for row in rows if row.split()[2] == "image")
    assert site > 10
    assert printed >= site, f"{printed} images in the PDF, {site} on the site's pages"


def test_internal_links_resolve_and_nothing_points_at_the_build_server(reader):
    names = set(reader.named_destinations)
    internal = 0
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            if "/Dest" in annot:
                internal += 1
                assert str(annot["/Dest"]) in names, f"dangling link {annot['/Dest']}"
            uri = str(annot.get("/A", {}).get("/URI", ""))
            assert not re.match(r"https?://(127\.0\.0\.1|localhost|book\.invalid)", uri), uri
    assert internal > 100, f"only {internal} internal links: cross-references were lost"
