# Dossier — two commands set everything up on a fresh Debian machine:
#
#   make demo   install what is missing, build, run Dossier on the example note
#   make test   install what is missing, build, run every test
#
# System packages are installed with apt-get (through sudo when not root).

SWIFT ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
APT_PACKAGES := pkg-config python3-pybtex python3-jsonschema python3-gi gir1.2-poppler-0.18 libsqlite3-dev libxml2-dev zlib1g-dev libzstd-dev libstemmer-dev libpoppler-glib-dev libcairo2-dev poppler-utils fonts-dejavu-core qpdf cron \
  libtesseract-dev tesseract-ocr tesseract-ocr-eng tesseract-ocr-fra tesseract-ocr-spa
# Installed where apt can, not required: the browser test of the web interface runs when Chromium is present.
OPTIONAL_PACKAGES := chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DOSSIER := .build/debug/dossier

.PHONY: all deps build test demo bench bench-scale fuzz clean

all: build

deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@for p in $(OPTIONAL_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || \
	  { echo "Installing optional package: $$p"; DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$p >/dev/null 2>&1 || echo "($$p not installed; its tests are skipped)"; }; \
	done

build: deps
	$(SWIFT) build

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	@for script in Tests/scripts/*.sh; do \
	  [ -e "$$script" ] || continue; \
	  echo "== $$script"; DOSSIER=$(DOSSIER) bash "$$script" || exit 1; \
	done

demo: build
	$(DOSSIER) links --workspace "$(CURDIR)"
	$(DOSSIER) update --workspace "$(CURDIR)"
	$(DOSSIER) search --workspace "$(CURDIR)" "timber trafficking"

# Dossier against SQLite FTS5 and tantivy (from PyPI, in a venv), measured in one run;
# then web pages' article extraction against trafilatura (bench/webextract.py says
# where its two public benchmark sets are read from).
bench: deps
	$(SWIFT) build -c release --product dossier
	@[ -x .build-bench/venv/bin/python ] || python3 -m venv .build-bench/venv
	.build-bench/venv/bin/pip install -q tantivy trafilatura lxml_html_clean
	.build-bench/venv/bin/python bench/bench.py --output .build-bench/report.md $(BENCH_ARGS)
	.build-bench/venv/bin/python bench/knownitem.py --workspace .build-bench/ws --sizes 1,2,3 --output .build-bench/knownitem.md
	.build-bench/venv/bin/python bench/cranfield.py --output .build-bench/cranfield.md
	.build-bench/venv/bin/python bench/cranfield.py --collection cisi --skip-missing --output .build-bench/cisi.md
	.build-bench/venv/bin/python bench/cranfield.py --collection cacm --skip-missing --output .build-bench/cacm.md
	.build-bench/venv/bin/python bench/cranfield.py --collection time --skip-missing --output .build-bench/time.md
	.build-bench/venv/bin/python bench/cranfield.py --collection npl --skip-missing --output .build-bench/npl.md
	.build-bench/venv/bin/python bench/cranfield.py --collection lisa --skip-missing --output .build-bench/lisa.md
	/usr/bin/python3 bench/textshape.py .build/release/dossier .build-bench/ws --brief --markdown .build-bench/textshape.md
	python3 bench/ocrbench.py --output .build-bench/ocr.md $(OCR_BENCH_ARGS)
	rm -f .build-bench/webextract.md
	.build-bench/venv/bin/python bench/webextract.py --bin .build/release/dossier --markdown .build-bench/webextract.md

# The same engines at scale: every texlive-*-doc PDF (about 230,000 passages),
# extracted once into SCALE_WS, and with SCALE_ARGS="--copies 5" past a million
# passages (bench/scale.py says how the copies are made).
SCALE_WS ?= /work/scale/ws
bench-scale: deps
	$(SWIFT) build -c release --product dossier
	@[ -x .build-bench/venv/bin/python ] || python3 -m venv .build-bench/venv
	.build-bench/venv/bin/pip install -q tantivy
	.build-bench/venv/bin/python bench/scale.py --workspace $(SCALE_WS) --output .build-bench/scale.md $(SCALE_ARGS)

# libFuzzer with the address sanitizer on the query parser and evaluator, the
# note parser, the URL normalizer and the HTML text extractor (docs/FUZZING.md).
# FUZZ_SECONDS=600 per target by default; FUZZ_TARGETS narrows the list.
fuzz: deps
	SWIFT=$(SWIFT) bash scripts/fuzz.sh $(FUZZ_TARGETS)

clean:
	rm -rf .build
