"""Unit tests of the PDF's print document and the bundle's site patch, on tiny pages
(the built book is tested by tests/test_pdf.py and tests/test_bundle.py)."""

from __future__ import annotations

from pathlib import Path

import build_bundle
import print_document as pd
import pytest
from bs4 import BeautifulSoup

DOCS = {"book/intro", "book/05_dropout", "book/bibliography"}


def test_slug_is_an_id_per_page():
    assert pd.slug("book/05_dropout") == "p-book-05_dropout"


@pytest.mark.parametrize(
    "href, expected",
    [
        ("bibliography.html#id9", "#p-book-bibliography--id9"),
        ("#ex-1", "#p-book-05_dropout--ex-1"),
        ("intro.html", "#p-book-intro"),
        ("../genindex.html", None),  # not a page of the book
        ("https://pytorch.org/docs", None),
    ],
)
def test_links_between_pages_become_links_inside_the_document(href, expected):
    assert pd._target("book/05_dropout", href, DOCS) == expected


def test_article_ids_links_solutions_and_folded_code():
    html = (
        '<article><section id="s"><h1>T<a class="headerlink" href="#s">#</a></h1>'
        '<details class="hide"><pre>hidden source</pre></details>'
        '<a href="../_downloads/x.py">file</a><img src="../_images/f.png">'
        '<div class="solution" id="sol-1"><p>answer</p></div></section></article>'
    )
    article = BeautifulSoup(html, "html.parser").article
    solutions: list = []
    pd._fix_article("book/05_dropout", article, DOCS, solutions)
    text = str(article)
    assert 'id="p-book-05_dropout--s"' in text
    assert "hidden source" not in text and "headerlink" not in text
    assert "_downloads" not in text and "file" in text  # a link to nowhere in the PDF
    assert 'src="_images/f.png"' in text
    assert [s["id"] for s in solutions] == ["p-book-05_dropout--sol-1"]
    assert 'href="#p-book-05_dropout--sol-1"' in text  # the exercise points to it


def test_toc_entries_follow_the_toc():
    entries = pd.toc_entries()
    assert entries[0] == (None, "book/intro")
    assert ("Chapters", "book/01_why_regularize") in entries


def test_bundle_pins_come_from_requirements_txt(tmp_path: Path):
    (tmp_path / "requirements.txt").write_text(
        "torch==2.13.0\nnumpy==2.4.6  # note\nmatplotlib==3.11.2\nscikit-learn==1.9.1\n"
        "ipywidgets==8.1.9\nipykernel==7.4.0\njupyterlab==4.6.6\nruff==0.17.6\n"
    )
    pins = build_bundle.pinned_requirements(tmp_path)
    assert pins[:2] == ["torch==2.13.0", "numpy==2.4.6"] and pins[-1] == "lessons_lib"
    assert not any(p.startswith("ruff") for p in pins)
    (tmp_path / "requirements.txt").write_text("torch==2.13.0\n")
    with pytest.raises(ValueError, match="numpy"):
        build_bundle.pinned_requirements(tmp_path)


def test_site_patch_swaps_the_mermaid_module_and_search_summaries(tmp_path: Path):
    (tmp_path / "_static" / "mermaid").mkdir(parents=True)
    (tmp_path / "book").mkdir()
    page = tmp_path / "book" / "a.html"
    page.write_text(
        '<script type="module">import mermaid from "../_static/mermaid/mermaid.esm.min.mjs";'
        "\nmermaid.initialize({});</script>"
    )
    options = tmp_path / "_static" / "documentation_options.js"
    options.write_text("const DOCUMENTATION_OPTIONS = {SHOW_SEARCH_SUMMARY: true};")
    assert build_bundle.MERMAID_UMD.exists(), "run `make assets` (npm packages) first"
    build_bundle.patch_site(tmp_path)
    text = page.read_text()
    assert 'type="module"' not in text
    assert '<script src="../_static/mermaid/mermaid.min.js"></script>' in text
    assert 'addEventListener("DOMContentLoaded", () => {\nmermaid.initialize({});});' in text
    assert "SHOW_SEARCH_SUMMARY: false" in options.read_text()
    assert (tmp_path / "_static" / "mermaid" / "mermaid.min.js").exists()
