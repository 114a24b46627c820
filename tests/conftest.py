"""Shared pytest set-up: quiet TensorFlow, no downloads, a headless matplotlib backend, the
``--grade`` option that picks which notebooks the graders load, and the markers that sort the
tests by cost (``make test-fast`` leaves out the three slow kinds; ``make test`` runs everything)."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CNNKIT_OFFLINE", "1")  # tests never download; the offline paths are what we test
os.environ.setdefault("MPLBACKEND", "Agg")

GRADE_CHOICES = ("learner", "solutions", "stubs")


#: The slow kinds of test, by the module (or module::test) that holds them. Tests marked in their own
#: module (``@pytest.mark.notebook``) need no entry here.
SLOW = {
    "notebook": ("test_colab.py",),
    "sandbox": ("test_grading_trust.py", "test_grading_memory.py", "test_grading_hostile.py",
                "test_grading_isolation.py::test_the_sandbox_starts_where_setup_installed_bubblewrap",
                "test_grading_isolation.py::test_bubblewrap_level_with_python_and_the_course_under_tmp",
                "test_grading_isolation.py::test_no_user_namespace_inside_the_sandbox",
                "test_grading_command.py::test_command_refuses_graders_that_differ_from_the_manifest",
                "test_grading_command.py::test_generated_submissions_get_a_correct_gradebook",
                "test_grading_command.py::test_a_solution_passes_with_a_verified_manifest_and_classroom_output"),
    "browser": ("test_browser.py", "test_lab.py"),
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        module = item.path.name
        for marker, places in SLOW.items():
            if module in places or f"{module}::{item.originalname}" in places:
                item.add_marker(getattr(pytest.mark, marker))


def pytest_addoption(parser):
    parser.addoption(
        "--grade",
        choices=GRADE_CHOICES,
        default="learner",
        help="which notebooks tests/graders grades: learner (notebooks/, your work, the default), "
             "solutions (solutions/, must all pass) or stubs (freshly generated, must all fail)",
    )



@pytest.fixture(autouse=True)
def _close_figures():
    """Close every figure a test opened: pyplot keeps figures alive until closed, and a test run
    draws hundreds of them."""
    yield
    import sys

    if "matplotlib.pyplot" in sys.modules:  # never import matplotlib for a test that did not
        sys.modules["matplotlib.pyplot"].close("all")
