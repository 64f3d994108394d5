# Two commands do all the set-up: `make html` builds the site, `make test` runs the tests.
# Both create the virtual environment in .venv on first use, with the newest Python 3.11+.

PYTHON ?= $(shell for v in 3.14 3.13 3.12 3.11; do \
	for c in python$$v $$(ls -d "$$(pyenv root 2>/dev/null)"/versions/$$v*/bin/python$$v 2>/dev/null | sort -V -r); do \
	  "$$c" -c 'import sys' >/dev/null 2>&1 && { echo "$$c"; exit 0; }; \
	done; done; echo python3)
VENV      := .venv
BIN       := $(VENV)/bin
STAMP     := $(VENV)/.installed
CORES     := $(shell nproc 2>/dev/null || echo 2)
# Sphinx writes pages in -j minus one processes while the main one resolves links,
# so one job more than there are cores keeps every core busy.
JOBS      ?= $(shell echo $$(( $(CORES) + 1 )))
BUILD     := _build
# atlas.sitebuild runs sphinx-build, or skips it when nothing it reads has changed.
SITEBUILD := $(BIN)/python -m atlas.sitebuild -c . -j $(JOBS) source $(BUILD)
CHROMIUM  := /usr/bin/chromium
EPUBCHECK := /usr/share/java/epubcheck.jar
SUDO      := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: html strict serve test lint bench clean browser release epub check fix new vocabulary

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

html: $(STAMP)  ## Build the site into _build/html.
	$(SITEBUILD)

strict: $(STAMP)  ## Build with every warning treated as an error, as CI does.
	$(SITEBUILD) -- -W --keep-going -n

# The contributor's commands, without activating .venv. FILES narrows check and fix to some
# pages (all by default); FROM is the export for new; FAMILY narrows vocabulary to one family.
check: $(STAMP)  ## Check the study pages with every rule, in seconds: make check [FILES=...]
	$(BIN)/atlas check $(FILES)

fix: $(STAMP)  ## Safe clean-ups (option order, DOI form, renamed tags): make fix [FILES=...]
	$(BIN)/atlas check --fix $(FILES)

new: $(STAMP)  ## A study page from a PubMed, RIS or BibTeX export: make new FROM=file
	@test -n "$(FROM)" || { echo "Name the export: make new FROM=path/to/citations.nbib"; exit 2; }
	$(BIN)/atlas new --from "$(FROM)"

vocabulary: $(STAMP)  ## Tag and design keys with their meanings: make vocabulary [FAMILY=topic]
	$(BIN)/atlas vocabulary $(if $(FAMILY),--family $(FAMILY))

# The ePub for e-ink readers: the studies, indexes and guide pages, without the web-only pages.
epub: $(STAMP) $(EPUBCHECK)  ## Build the atlas as an ePub into _build/epub and check it with epubcheck.
	$(BIN)/sphinx-build -q -j $(JOBS) -b epub -c . -d $(BUILD)/doctrees-epub source $(BUILD)/epub
	java -jar $(EPUBCHECK) --quiet $(BUILD)/epub/*.epub

# atlas.serve keeps one Sphinx application alive and rebuilds what a save changed;
# search catches up in the background (the search page says so until it has).
serve: $(STAMP)  ## Live preview at http://127.0.0.1:8000 while you edit.
	$(BIN)/python -m atlas.serve -c . -j $(JOBS) source $(BUILD)

# cffconvert 2.0 needs jsonschema 3 and the atlas needs 4, so it has an environment of its own.
CFFCONVERT := $(VENV)/cffconvert/bin/cffconvert
$(CFFCONVERT): | $(STAMP)
	$(BIN)/python -m venv $(VENV)/cffconvert
	$(VENV)/cffconvert/bin/python -m pip install --quiet 'cffconvert==2.0.0'

lint: $(STAMP) $(CFFCONVERT)
	$(BIN)/ruff check _ext tests conf.py
	$(BIN)/ruff format --check _ext tests conf.py
	$(BIN)/mypy
	$(BIN)/actionlint -shellcheck $(BIN)/shellcheck .github/workflows/*.yml
	$(CFFCONVERT) --validate --infile CITATION.cff

# Debian's epubcheck (a Java program) checks the ePub in `make epub` and in the tests.
$(EPUBCHECK):
	@echo "Installing Debian's epubcheck for the ePub"
	$(SUDO) apt-get update
	$(SUDO) apt-get install -y epubcheck

# The browser tests (tests/browser/) drive Debian's Chromium; Playwright downloads no browser.
$(CHROMIUM):
	@echo "Installing Debian's chromium for the browser tests"
	$(SUDO) apt-get update
	$(SUDO) apt-get install -y chromium

browser: $(CHROMIUM)  ## Install what the browser tests need (Debian's chromium).

# --dist loadgroup keeps the browser tests on one worker: one site build, one Chromium.
test: $(STAMP) lint strict $(CHROMIUM) $(EPUBCHECK)  ## Lint, build the site strictly, run the test suite.
	$(BIN)/python -m pytest -n $(CORES) --dist loadgroup

ifneq ($(filter release,$(MAKECMDGOALS)),)
ifeq ($(VERSION),)
$(error Name the release: make release VERSION=x.y.z)
endif
endif
release: strict  ## make release VERSION=x.y.z: open-data archive and CHANGELOG in _build/release.
	$(BIN)/atlas release $(VERSION)

N ?= 6145
SCALE ?= 0
bench: $(STAMP)  ## Build N synthetic studies three ways; figures in _build/bench.json.
	$(BIN)/python -m atlas.bench.run -n $(N) --jobs $(JOBS) --scale $(SCALE)

clean:
	rm -rf $(BUILD) source/tags source/evidence source/measures
