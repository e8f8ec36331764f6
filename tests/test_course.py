"""tools/course_markdown.py and tools/course_build.py: MyST to plain Markdown, leak detection."""

from __future__ import annotations

import course_build as course
import pytest
from course_markdown import Book, Converter, raw_myst_lines, site_url
from course_repo import ROOT, chapter_notebooks, config, load


@pytest.fixture(scope="module")
def book():
    return Book.load(ROOT)


def convert(book, text, page="book/05_dropout"):
    return Converter(book, page).convert(text)


def test_site_url_follows_the_repository_line(tmp_path):
    owner, repo = config()["repository"]["url"].rstrip("/").split("/")[-2:]
    assert site_url() == f"https://{owner.lower()}.github.io/{repo}/"
    text = (ROOT / "_config.yml").read_text(encoding="utf-8")
    fork = text.replace(config()["repository"]["url"], "https://github.com/A-Fork/my-course")
    (tmp_path / "_config.yml").write_text(fork, encoding="utf-8")
    assert site_url(tmp_path) == "https://a-fork.github.io/my-course/"


def test_citations_become_author_year(book):
    names, year = book.works["srivastava2014dropout"]
    assert names == "Srivastava et al." and year == "2014"
    assert convert(book, "as {cite:t}`srivastava2014dropout` show") == (
        "as Srivastava et al. (2014) show"
    )
    two = convert(book, "units {cite:p}`hinton2012improving,srivastava2014dropout`.")
    assert two == "units (Hinton et al., 2012; Srivastava et al., 2014)."


def test_cross_references_become_links(book):
    base = site_url()
    assert convert(book, "see {doc}`chapter 7 <07_early_stopping>`") == (
        f"see [chapter 7]({base}book/07_early_stopping.html)"
    )
    assert convert(book, "the {doc}`bibliography`") == (
        f"the [Bibliography]({base}book/bibliography.html)"
    )
    wrapped = convert(book, "({ref}`the\ninverted dropout <sec-ch05-inverted-dropout>`)")
    assert (
        wrapped == f"([the inverted dropout]({base}book/05_dropout.html#sec-ch05-inverted-dropout))"
    )
    fig = convert(book, "{numref}`fig-dropout-p-sweep` shows")
    assert fig.startswith("[the figure “") and "#fig-dropout-p-sweep) shows" in fig


def test_unknown_targets_are_errors(book):
    with pytest.raises(KeyError, match="no-such-label"):
        convert(book, "{ref}`no-such-label`")
    with pytest.raises(KeyError, match="nobody2099"):
        convert(book, "{cite:t}`nobody2099`")


def test_directives_and_labels_become_markdown(book):
    text = (
        "(sec-x)=\n## Title\n\n```{admonition} Learning objectives\n:class: tip\n"
        "You will\n\n* learn {cite:t}`srivastava2014dropout`\n```\n\n"
        ":::{note}\nA note.\n:::\n\n```{mermaid}\ngraph LR; A-->B\n```\n"
    )
    out = convert(book, text)
    assert out.startswith("## Title\n\n> **Learning objectives**\n>\n> You will\n>\n")
    assert "> * learn Srivastava et al. (2014)" in out
    assert "> **Note**\n>\n> A note." in out
    assert "graph LR" not in out and "published page" in out
    assert raw_myst_lines(out) == []
    assert raw_myst_lines(text) != []


def test_glued_numbers_show_their_stored_name(book):
    text = "a ratio of {glue:text}`ch03_ratio:.2f` over {glue}`ch03_n` seeds"
    assert convert(book, text) == "a ratio of `ch03_ratio` over `ch03_n` seeds"


def test_math_stays(book):
    text = "$$\n\\tilde h_i = \\frac{m_i h_i}{1 - p}\n$$ and $x^2$"
    assert convert(book, text) == text


@pytest.mark.parametrize("path", chapter_notebooks(), ids=lambda p: p.stem)
def test_every_chapter_converts_to_plain_markdown(path, book):
    """The instructor version has no raw MyST and keeps every nbgrader cell."""
    nb = load(path)
    src = course.to_source(nb, f"book/{path.stem}", book)
    text = "\n".join(course.source(c) for c in src["cells"] if c["cell_type"] == "markdown")
    assert raw_myst_lines(text) == []
    graded = lambda n: [  # noqa: E731
        c["metadata"]["nbgrader"]["grade_id"] for c in n["cells"] if "nbgrader" in c["metadata"]
    ]
    assert graded(src) == graded(nb)


def test_leaks_finds_markers_and_solution_lines():
    reference = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {"nbgrader": {"solution": True}},
                "source": "def f(x):\n    ### BEGIN SOLUTION\n"
                "    return sorted(x, key=abs, reverse=True)\n    ### END SOLUTION",
            }
        ]
    }
    student = {"cells": [{"cell_type": "code", "source": "y = sorted(x, key=abs, reverse=True)"}]}
    assert course.leaks(student, reference) == []
    leaked = {
        "cells": [{"cell_type": "code", "source": "    return sorted(x, key=abs, reverse=True)"}]
    }
    assert course.leaks(leaked, reference) == ["line 'return sorted(x, key=abs, reverse=True)'"]
    assert course.leaks({"cells": [{"cell_type": "markdown", "source": "### BEGIN HIDDEN TESTS"}]})
