"""The website as a reader sees it: every page in headless Chromium, offline.

The built site (``_build/html``, from ``make book``) is served on 127.0.0.1 and opened in
Debian's Chromium through Playwright, with every host but 127.0.0.1 unresolvable and
every request elsewhere aborted. For each page of the table of contents the suite checks
that it loads with no console error and no failed request, that every formula is typeset
by the site's own MathJax, every Mermaid diagram is drawn, every image loads and has alt
text, every solution starts collapsed and opens on click, the launch links point at the
page's notebook, and that axe-core finds no serious or critical accessibility problem.
Search must find a chapter by a term from it. A screenshot of each page goes to
``_build/screenshots/`` and the bytes each page transfers to ``_build/page_weight/``
(``tools/page_weight.py`` tabulates them).
"""

from __future__ import annotations

import functools
import gzip
import json
import re
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest
from course_repo import HTML, ROOT, config, toc_files

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "_build" / "screenshots"
WEIGHTS_DIR = ROOT / "_build" / "page_weight"  # one JSON per page; tools/page_weight.py sums
CHAPTER_LIMIT = 3_000_000  # bytes transferred by one chapter page
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Nothing but the local server resolves: a page that needs a CDN fails here.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
DOCS = toc_files()


class StaticHostHandler(SimpleHTTPRequestHandler):
    """Serves the site as a static host does: text compressed with gzip when asked.

    Page weights are then the bytes a reader's browser really transfers from a host
    such as GitHub Pages, which compresses HTML, CSS and JavaScript the same way.
    """

    COMPRESSIBLE = {".html", ".js", ".mjs", ".css", ".svg", ".json", ".txt", ".map"}
    _cache: dict[str, bytes] = {}

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants_gzip and path.is_file() and path.suffix in self.COMPRESSIBLE):
            super().do_GET()
            return
        body = self._cache.get(str(path))
        if body is None:
            body = self._cache[str(path)] = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:  # keep the test output readable
        pass


@pytest.fixture(scope="module")
def server():
    if not (HTML / "index.html").exists():
        pytest.fail("no _build/html: run `make book` first")
    handler = functools.partial(StaticHostHandler, directory=str(HTML))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `apt-get install chromium` (.ci/run does this)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Visit:
    """One page load with everything the checks need recorded."""

    def __init__(self, browser, url: str):
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.requests = []
        page = self.page
        page.route("**/*", self._only_local)
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url}: {r.failure}"))
        page.on("requestfinished", lambda r: self.requests.append(r))
        page.on(
            "response",
            lambda r: self.failed.append(f"{r.url}: HTTP {r.status}") if r.status >= 400 else None,
        )
        page.goto(url, wait_until="networkidle")

    def _only_local(self, route) -> None:
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            route.abort()

    def bytes_transferred(self) -> int:
        total = 0
        for request in self.requests:
            sizes = request.sizes()
            total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        return total


def wait_for_rendering(page) -> None:
    """Wait until MathJax has typeset the page and Mermaid has drawn every diagram."""
    page.evaluate(
        "async () => { if (window.MathJax && MathJax.startup && MathJax.startup.promise)"
        " { await MathJax.startup.promise; } return true; }"
    )
    page.wait_for_function(
        "() => [...document.querySelectorAll('pre.mermaid')].every(p => p.querySelector('svg'))",
        timeout=20_000,
    )


@pytest.mark.parametrize("doc", DOCS)
def test_page(doc, browser, server):
    visit = Visit(browser, f"{server}/{doc}.html")
    page = visit.page
    wait_for_rendering(page)
    weight = visit.bytes_transferred()
    WEIGHTS_DIR.mkdir(parents=True, exist_ok=True)
    (WEIGHTS_DIR / f"{doc.replace('/', '__')}.json").write_text(
        json.dumps({"page": doc, "bytes": weight}) + "\n", encoding="utf-8"
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{doc.replace('/', '__')}.png"), full_page=True)

    # Math: every formula rendered by MathJax, no raw TeX delimiters left in the text.
    math = page.evaluate(
        "() => [...document.querySelectorAll('.math')].map(m => !!m.querySelector('mjx-container'))"
    )
    assert all(math), f"{math.count(False)} of {len(math)} formulas were not typeset"
    raw = page.evaluate(
        r"""() => {
            const root = document.querySelector('main') || document.body;
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            const bad = [];
            while (walker.nextNode()) {
                const n = walker.currentNode;
                if (n.parentElement.closest('pre, code, script, style, mjx-container')) continue;
                if (/\\\(|\\\[|\$\$/.test(n.textContent)) bad.push(n.textContent.slice(0, 80));
            }
            return bad;
        }"""
    )
    assert raw == [], f"raw TeX left on the page: {raw[:3]}"
    # No raw Markdown or MyST in what a reader sees: pipe tables, bold markers, roles.
    markup = page.evaluate(
        r"""() => {
            const root = document.querySelector('main') || document.body;
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            const pattern = new RegExp([
                String.raw`\|\s*:?-{3,}`, String.raw`\|\s*—`, String.raw`^\s*\|.*\|.*\|\s*$`,
                String.raw`\*\*\S`, String.raw`\{(ref|numref|doc|eq|glue|cite)[:a-z]*\}`,
                String.raw`\$\$`,
            ].join('|'), 'm');
            const bad = [];
            while (walker.nextNode()) {
                const n = walker.currentNode;
                if (n.parentElement.closest('pre, code, script, style, mjx-container')) continue;
                if (pattern.test(n.textContent)) bad.push(n.textContent.trim().slice(0, 80));
            }
            return bad;
        }"""
    )
    assert markup == [], f"raw Markdown left on the page: {markup[:3]}"

    # Images load and describe themselves.
    images = page.evaluate(
        "() => [...document.images].map(i => [i.currentSrc, i.complete && i.naturalWidth > 0,"
        " (i.getAttribute('alt') || '').trim().length])"
    )
    assert all(ok for _, ok, _ in images), [src for src, ok, _ in images if not ok]
    assert all(n > 0 for _, _, n in images), [src for src, _, n in images if not n]

    # Solutions start collapsed and open on click.
    n_solutions = page.locator(".solution.dropdown").count()
    for i in range(n_solutions):
        solution = page.locator(".solution.dropdown").nth(i)
        body = solution.locator("> :not(.admonition-title)").first
        assert not body.is_visible(), f"solution {i + 1} is not collapsed"
        solution.locator("button.toggle-button").click()
        body.wait_for(state="visible", timeout=5_000)
    page.wait_for_timeout(200)  # let course.js mark blocks that now scroll (after 50 ms)

    # Code and printed output fit their boxes at this width (lines of at most 88
    # characters): a result cut off at the right edge is a result the reader does not see.
    if (ROOT / f"{doc}.ipynb").exists():
        wide = page.evaluate(
            "() => [...document.querySelectorAll('div.cell pre, div.highlight pre')]"
            ".filter(p => p.offsetParent !== null && p.scrollWidth > p.clientWidth + 1)"
            ".map(p => p.textContent.split('\\n').reduce((a, b) => a.length > b.length ? a : b))"
        )
        assert wide == [], f"{len(wide)} code/output boxes scroll sideways, e.g. {wide[:2]}"

    # Launch links of chapter pages point at this page's notebook.
    if (ROOT / f"{doc}.ipynb").exists():
        repo = config()["repository"]["url"].rstrip("/").removeprefix("https://github.com/")
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        assert any(h.endswith(f"{repo}/blob/main/{doc}.ipynb") and "colab" in h for h in hrefs)
        assert any(h.endswith(f"urlpath=lab/tree/{doc}.ipynb") and "mybinder" in h for h in hrefs)

    # Widgets: a page either embeds live widgets, and they render, or shows the static
    # fallback of every sweep (figures named fig-*-widget, see CONTRIBUTING.md).
    notebook = ROOT / f"{doc}.ipynb"
    if notebook.exists():
        code = [
            "".join(c["source"])
            for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"]
            if c["cell_type"] == "code"
        ]
        n_sweeps = sum(len(re.findall(r"(?<![\w])sweep\(", src)) for src in code)
        embedded = page.locator('script[type="application/vnd.jupyter.widget-state+json"]')
        if embedded.count():
            assert page.locator(".jupyter-widgets").count() > 0, "widget state but no widget"
        else:
            fallbacks = page.evaluate(
                "() => [...document.querySelectorAll('figure[id$=\"-widget\"] img')]"
                ".filter(i => i.naturalWidth > 0).length"
            )
            assert fallbacks >= n_sweeps, f"{n_sweeps} sweeps but {fallbacks} static figures"

    # Accessibility: no serious or critical axe-core violation (after book/_static/course.js
    # has repaired the theme's markup).
    page.wait_for_function("() => window.courseAccessibilityRepaired === true", timeout=10_000)
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}x,"
        " e.g. ${v.nodes[0].target})`)"
    )
    assert violations == [], "\n".join(violations)

    # The page loaded cleanly and is not heavy.
    assert visit.errors == [], visit.errors
    assert visit.failed == [], visit.failed
    if (ROOT / f"{doc}.ipynb").exists():
        assert weight < CHAPTER_LIMIT, f"{doc}: {weight:,} bytes"
    page.close()


def test_search_finds_a_chapter_by_a_term_from_it(browser, server):
    visit = Visit(browser, f"{server}/search.html?q=memorize")
    visit.page.wait_for_selector("#search-results li a", timeout=20_000)
    hits = visit.page.eval_on_selector_all("#search-results li a", "els => els.map(e => e.href)")
    assert any("01_why_regularize" in h for h in hits), hits
    assert visit.errors == [] and visit.failed == []


def test_theme_switch_stays_accessible_when_its_icons_arrive_late(browser, server):
    # On a slow machine the icon script may replace the switch's icons after course.js
    # has repaired them; the repair must follow (a flake seen once in CI).
    visit = Visit(browser, f"{server}/book/intro.html")
    page = visit.page
    page.wait_for_function("() => window.courseAccessibilityRepaired === true", timeout=10_000)
    titles = page.evaluate(
        """async () => {
            const button = document.querySelector('.theme-switch-button');
            const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
            svg.setAttribute('role', 'img');
            const title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
            title.textContent = 'late icon';
            svg.appendChild(title);
            button.appendChild(svg);
            await new Promise((resolve) => setTimeout(resolve, 0));
            return [button.querySelectorAll('svg title').length, svg.getAttribute('role'),
                    svg.getAttribute('aria-hidden')];
        }"""
    )
    assert titles == [0, None, "true"]
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async () => (await axe.run('.theme-switch-button', {resultTypes: ['violations']}))"
        ".violations.map(v => v.id)"
    )
    assert violations == []
    page.close()


def test_regularizer_map_links_every_chapter_box(browser, server):
    # Chapter 1's Mermaid map has a `click` link on each chapter box; Mermaid draws them
    # only when the site's securityLevel allows links (_config.yml, mermaid_init_config).
    visit = Visit(browser, f"{server}/book/01_why_regularize.html")
    page = visit.page
    wait_for_rendering(page)
    # sphinxcontrib-mermaid draws the diagram twice (a second run for its full-screen
    # view); under load the test could read the svg before its links were drawn (seen in CI).
    page.wait_for_function(
        "() => document.querySelectorAll('pre.mermaid svg a').length > 0", timeout=20_000
    )
    hrefs = page.evaluate(
        "() => [...document.querySelectorAll('pre.mermaid svg a')].map("
        "a => a.getAttribute('href') || a.getAttribute('xlink:href'))"
    )
    targets = {h.split("#")[0] for h in hrefs if h}
    expected = {
        "03_l1_l2_elastic_net.html",
        "04_weight_decay.html",
        "05_dropout.html",
        "06_batch_norm.html",
        "07_early_stopping.html",
        "08_data_augmentation.html",
        "10_more_regularizers.html",
    }
    assert targets == expected, hrefs
    for target in targets:
        assert (HTML / "book" / target).is_file(), target
    assert visit.errors == [] and visit.failed == []
    page.close()
