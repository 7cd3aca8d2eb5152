# The two commands of the quick start: `make demo` and `make test`.
# Each creates .venv when missing and installs what it needs, so a fresh machine
# with Python 3.11+ and git needs nothing else.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.qualcode-installed

.PHONY: demo test lint typecheck unit bench clean report-preview

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "qualcode needs Python 3.11 or newer; set PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/qualcode demo demo-output

# The demo's report as LibreOffice renders it: demo-output/report.pdf and its first pages as PNG.
PREVIEW_PAGES ?= 8
report-preview: $(STAMP)
	@command -v soffice >/dev/null 2>&1 || { echo "report-preview needs LibreOffice's soffice; on Debian/Ubuntu: sudo apt-get install libreoffice-writer-nogui" >&2; exit 1; }
	@command -v pdftoppm >/dev/null 2>&1 || { echo "report-preview needs pdftoppm; on Debian/Ubuntu: sudo apt-get install poppler-utils" >&2; exit 1; }
	$(BIN)/qualcode demo demo-output
	soffice -env:UserInstallation=file://$(CURDIR)/demo-output/.soffice-profile --headless \
		--convert-to pdf --outdir demo-output demo-output/report.docx >/dev/null
	rm -f demo-output/report-page-*.png
	pdftoppm -png -r 80 -f 1 -l $(PREVIEW_PAGES) demo-output/report.pdf demo-output/report-page
	@echo "Preview: demo-output/report.pdf; first pages: demo-output/report-page-*.png"

lint: $(STAMP)
	$(BIN)/ruff check qualcode tests bench
	$(BIN)/ruff format --check qualcode tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m pytest -q

test: lint typecheck unit

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/suggest_scale.py
	$(BIN)/python bench/report_scale.py
	$(BIN)/python bench/tui_bench.py

clean:
	rm -rf $(VENV) demo-output .pytest_cache .mypy_cache .ruff_cache
