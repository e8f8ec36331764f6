"""Checks of the built website in ``_build/html`` (run after ``make book``).

These read the HTML as files: every table-of-contents entry has a page, chapter pages
carry Colab and Binder links to their own notebook in the configured repository, and
the executed content (figures with captions and alt text, math, the Mermaid diagram,
collapsed solutions, check feedback, the timing table) made it onto the page.
"""

from __future__ import annotations

import json
import re
from html import unescape
from html.parser import HTMLParser

import pytest
from course_repo import HTML, ROOT, chapter_notebooks, config, toc_files

pytestmark = pytest.mark.site
CHAPTERS = [p.stem for p in chapter_notebooks()]


class Links(HTMLParser):
    """Collects hrefs, img tags and the text of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.imgs: list[dict] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"])
        if tag == "img":
            self.imgs.append(a)

    def handle_data(self, data):
        self.text.append(data)


def page(doc: str) -> tuple[str, Links]:
    path = HTML / f"{doc}.html"
    if not path.exists():
        pytest.fail(f"{path.relative_to(ROOT)} is missing: run `make book` first")
    html = path.read_text(encoding="utf-8")
    parser = Links()
    parser.feed(html)
    return html, parser


def test_site_was_built():
    assert (HTML / "index.html").exists(), "no _build/html/index.html: run `make book` first"


@pytest.mark.parametrize("doc", toc_files())
def test_every_toc_entry_has_a_page(doc):
    html, links = page(doc)
    assert "<h1" in html
    assert len("".join(links.text).split()) > 50, f"{doc} is nearly empty"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_launch_buttons_point_at_this_notebook(chapter):
    cfg = config()
    repo = cfg["repository"]["url"].rstrip("/").removeprefix("https://github.com/")
    branch = cfg["repository"]["branch"]
    nb_path = f"book/{chapter}.ipynb"
    _, links = page(f"book/{chapter}")
    colab = [h for h in links.hrefs if h.startswith(cfg["launch_buttons"]["colab_url"])]
    binder = [h for h in links.hrefs if h.startswith(cfg["launch_buttons"]["binderhub_url"])]
    assert colab == [f"https://colab.research.google.com/github/{repo}/blob/{branch}/{nb_path}"]
    assert binder == [f"https://mybinder.org/v2/gh/{repo}/{branch}?urlpath=lab/tree/{nb_path}"]
    assert (ROOT / nb_path).exists()


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_content_rendered(chapter):
    html, links = page(f"book/{chapter}")
    text = " ".join(links.text)
    # Executed output is on the page and no cell failed.
    assert 'class="cell_output' in html
    assert "Traceback (most recent call last)" not in text
    # Every figure has a caption and every image alt text.
    figures = re.findall(r'<figure class="[^"]*" id="(fig-[^"]+)">(.*?)</figure>', html, re.S)
    assert len(figures) >= 1
    for name, body in figures:
        assert "<figcaption>" in body, f"{name} has no caption"
        assert re.search(r'<img alt="[^"]{20,}"', body), f"{name} has no alt text"
    assert all(img.get("alt") for img in links.imgs), "an image without alt text"
    # Math, exercises with collapsed solutions, and passing checks.
    assert html.count('class="math') >= 5
    assert html.count('class="exercise admonition"') >= 2
    n_solutions = html.count('class="solution dropdown admonition"')
    assert n_solutions == html.count('class="exercise admonition"')
    assert "✔ Correct" in html and "✘ Not yet" not in html


def test_chapter_one_has_the_regularizer_map():
    html, _ = page("book/01_why_regularize")
    diagram = re.search(r'<pre\s+class="mermaid">(.*?)</pre>', html, re.S)
    assert diagram, "the Mermaid map of regularizer families is missing"
    for family in (
        "Weight-based",
        "Architecture-based",
        "Data-based",
        "Training control",
        "Noise-based",
        "Bayesian",
    ):
        assert family in diagram.group(1)


def test_bibliography_lists_every_cited_work():
    """Every key cited anywhere in book/ appears, by title, on the bibliography page."""
    bib = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    titles = {
        key: re.sub(r"[{}]", "", title)
        for key, title in re.findall(r"@\w+\{(\w+),.*?title\s*=\s*\{(.*?)\},\n", bib, re.S)
    }
    sources = [p.read_text(encoding="utf-8") for p in (ROOT / "book").glob("*.*")]
    cited = {
        k
        for s in sources
        for group in re.findall(r"\{cite:?\w*\}`([^`]+)`", s)
        for k in group.split(",")
    }
    assert cited, "no citations found"
    html, _ = page("book/bibliography")

    def words(s: str) -> str:
        return " ".join(re.findall(r"[a-z0-9]+", unescape(s).lower()))

    text = words(re.sub(r"<[^>]+>", " ", html))
    for key in sorted(cited):
        assert key in titles, f"{key} is cited but not in references.bib"
        assert words(titles[key]) in text, f"{key} missing from the bibliography"


def test_timing_report_covers_every_notebook():
    rows = json.loads((ROOT / "_build" / "timing.json").read_text(encoding="utf-8"))
    assert sorted(r["notebook"] for r in rows) == sorted(f"book/{c}.ipynb" for c in CHAPTERS)
    assert all(r["succeeded"] and r["seconds"] > 0 for r in rows)
    html, _ = page("book/instructors")
    for c in CHAPTERS:
        assert f"book/{c}" in html, f"{c} missing from the instructors' timing table"


def _markdown_tables_printed(chapter: str) -> int:
    """Pipe tables in the ``text/markdown`` outputs of the executed chapter."""
    path = ROOT / "_build" / "jupyter_execute" / "book" / f"{chapter}.ipynb"
    count = 0
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        for out in cell.get("outputs", []):
            text = out.get("data", {}).get("text/markdown", "")
            text = "".join(text) if isinstance(text, list) else text
            count += len(re.findall(r"^\s*\|[ :]*-{3,}", text, re.M))
    return count


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_tables_a_cell_prints_are_tables_on_the_page(chapter):
    """A Markdown table in a cell's output reaches the page as an HTML table, not pipes."""
    html, links = page(f"book/{chapter}")
    outputs = re.findall(
        r'<div class="cell_output docutils container">(.*?)</div>\s*</div>', html, re.S
    )
    html_tables = sum(o.count("<table") for o in outputs)
    assert html_tables >= _markdown_tables_printed(chapter)
    prose = re.sub(r"<[^>]+>", " ", re.sub(r"<pre.*?</pre>", "", html, flags=re.S))
    assert not re.search(r"\|\s*:?-{3,}\s*\|", unescape(prose)), "a pipe table shows as text"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_solutions_show_no_nbgrader_markers_and_check_outputs_are_introduced(chapter):
    """The site's solution code has no marker lines; a check's output says whose it is."""
    html, _ = page(f"book/{chapter}")
    visible = re.sub(r"<!--.*?-->", "", html, flags=re.S)
    assert not re.search(r"### (BEGIN|END) (SOLUTION|HIDDEN TESTS)", visible)
    checks = html.count('class="cell tag_exercise-check')
    assert checks >= 1, f"{chapter}: no check cell on the page"
    assert html.count('<p class="check-note">') == checks


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_glued_number_shows_on_the_page(chapter):
    """Each ``{glue:text}`` role in the prose renders as a non-empty value on the page."""
    source = (ROOT / "book" / f"{chapter}.md").read_text(encoding="utf-8")
    roles = len(re.findall(r"\{glue(?::text)?\}`[^`]+`", source))
    html, _ = page(f"book/{chapter}")
    shown = re.findall(r'<span class="pasted-text">(.*?)</span>', html, re.S)
    assert all(s.strip() for s in shown), f"{chapter}: an empty glued value"
    assert len(shown) >= roles, f"{chapter}: {roles} glue roles but {len(shown)} values shown"
