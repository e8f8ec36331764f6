"""Print the built website (``_build/html``) as one PDF of the whole book (``make pdf``).

The PDF is made from the pages ``make book`` already executed and rendered, so it shows
what the site shows, with no second execution. :mod:`print_document` copies every page
of ``_toc.yml`` into one HTML document; headless Chromium (the browser the site tests
drive) typesets its math with the site's MathJax, draws the Mermaid map and prints it;
``pypdf`` then adds one bookmark per page of the book, with its sections below it.
Folded code stays out; the folded solutions are printed at the end, where each exercise
points.

Usage: ``python tools/build_pdf.py [--html _build/html] [--out PATH]``.
"""

from __future__ import annotations

import argparse
import functools
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from print_document import HTML, TITLE, Outline, print_document  # noqa: E402

OUT = HTML / "downloads" / "regularization-in-neural-networks.pdf"
PRINT_NAME = "_print.html"
CHROMIUM = "/usr/bin/chromium"


def _serve(directory: Path) -> tuple[ThreadingHTTPServer, str]:
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory))
    )
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def build(html: Path = HTML, out: Path = OUT) -> Path:
    """Write the print document into ``html``, print it with Chromium to ``out``."""
    from playwright.sync_api import sync_playwright

    if not (html / "index.html").exists():
        raise FileNotFoundError(f"{html} holds no built site: run `make book` first")
    document, outline = print_document(html)
    (html / PRINT_NAME).write_text(document, encoding="utf-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    httpd, url = _serve(html)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page()
            page.goto(f"{url}/{PRINT_NAME}", wait_until="networkidle")
            page.evaluate(
                "async () => { if (window.MathJax && MathJax.startup) {"
                " await MathJax.startup.promise; await MathJax.typesetPromise(); } }"
            )
            page.wait_for_function(
                "() => [...document.querySelectorAll('pre.mermaid')]"
                ".every(p => p.querySelector('svg'))",
                timeout=180_000,
            )
            page.emulate_media(media="print")
            page.pdf(
                path=str(out),
                format="A4",
                print_background=True,
                tagged=True,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=(
                    "<div style='font-size:8pt;width:100%;text-align:center;color:#555'>"
                    "<span class='pageNumber'></span></div>"
                ),
                margin={"top": "16mm", "bottom": "18mm", "left": "15mm", "right": "15mm"},
            )
            browser.close()
    finally:
        httpd.shutdown()
        (html / PRINT_NAME).unlink(missing_ok=True)
    add_bookmarks(out, outline)
    return out


def add_bookmarks(pdf: Path, outline: Outline) -> None:
    """Bookmarks per page of the book and per section, at Chromium's named destinations.

    (Chromium's own outline, built from the headings, nests pages under the previous
    page and repeats some titles; the print document knows the structure exactly.)
    """
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(pdf)
    dests = reader.named_destinations
    writer = PdfWriter(clone_from=reader)
    for title, ident, sections in outline:
        parent = writer.add_outline_item(
            title=title, page_number=reader.get_destination_page_number(dests["/" + ident])
        )
        for sub, sub_id in sections:
            if "/" + sub_id in dests:
                writer.add_outline_item(
                    title=sub,
                    page_number=reader.get_destination_page_number(dests["/" + sub_id]),
                    parent=parent,
                )
    writer.add_metadata({"/Title": TITLE})
    writer.page_mode = "/UseOutlines"
    with pdf.open("wb") as handle:
        writer.write(handle)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=HTML, help="the built site")
    parser.add_argument("--out", type=Path, default=None, help="the PDF (default: in the site)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    out = build(args.html, args.out or args.html / "downloads" / OUT.name)
    size = out.stat().st_size / 1e6
    print(f"{out}: {size:.1f} MB in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
