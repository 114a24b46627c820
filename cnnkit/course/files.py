"""Files that list the course's notebooks, written from the manifest in :mod:`cnnkit.course.manifest`.

Two files repeat what the manifest says, so they are generated, never edited by hand:

- the README's table of notebooks (number, title, the functions a learner writes), between
  the markers ``<!-- course-table:start -->`` and ``<!-- course-table:end -->``;
- the GitHub Classroom workflow ``.github/workflows/classroom.yml``: one grading step per
  notebook, each reported to Classroom as its own runner, so that one notebook that cannot be
  graded does not hide the points of the others.

``python -m cnnkit.course.files`` rewrites both; ``--check`` only says whether they are up to
date (a test runs it); ``--classroom 01 04`` writes a workflow that grades only those notebooks.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from cnnkit.config import COURSE_REPO, REPO_ROOT
from cnnkit.course.manifest import NOTEBOOKS, Notebook, notebook

README = REPO_ROOT / "README.md"
WORKFLOW = REPO_ROOT / ".github" / "workflows" / "classroom.yml"
TABLE_START, TABLE_END = "<!-- course-table:start -->", "<!-- course-table:end -->"
#: Minutes GitHub lets the whole grading job run before it stops it.
WORKFLOW_TIMEOUT_MINUTES = 30
#: The ref of the course repository whose graders the Classroom workflow runs, unless told otherwise.
DEFAULT_GRADERS_REF = "main"


def readme_table(notebooks: Sequence[Notebook] = NOTEBOOKS) -> str:
    """The README's Markdown table: number, linked title, and the exercises of each notebook."""
    lines = ["| # | notebook | you build |", "|---|---|---|"]
    for entry in notebooks:
        exercises = ", ".join(f"`{name}`" for name in entry.exercises)
        lines.append(f"| {entry.number:02d} | [{entry.title}](notebooks/{entry.stem}.ipynb) | {exercises} |")
    return "\n".join(lines)


def with_readme_table(text: str, notebooks: Sequence[Notebook] = NOTEBOOKS) -> str:
    """``text`` (the README) with the table between the markers replaced."""
    if TABLE_START not in text or TABLE_END not in text:
        raise ValueError(f"README.md has no {TABLE_START} ... {TABLE_END} block for the notebook table.")
    block = f"{TABLE_START}\n{readme_table(notebooks)}\n{TABLE_END}"
    return re.sub(re.escape(TABLE_START) + ".*?" + re.escape(TABLE_END), lambda _: block, text, flags=re.S)


_WORKFLOW_HEAD = """\
# GitHub Classroom autograding: grades the learner's notebooks on every push with the course's
# grading command and reports the points to Classroom, one runner per notebook and one test per
# exercise. Each notebook's step runs even when an earlier one could not be graded.
#
# Generated from the course manifest (cnnkit/course/manifest.py) by `python -m cnnkit.course.files`: do not
# edit by hand. Use this repository (without solutions/) as the assignment's template repository.
# To grade only some notebooks, write the workflow with `python -m cnnkit.course.files --classroom 01 02`.
# The graders are not the learner's: they are checked out from the course repository at the ref below
# (pin a release tag or commit with `--graders-ref`) and installed from there, and the learner's
# repository gives only its notebooks/. A learner can still edit this file itself; such an edit is in
# their repository's history for you to see.
name: Autograding Tests
"on":
  - push
  - repository_dispatch
  - workflow_dispatch
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  run-autograding-tests:
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    timeout-minutes: {WORKFLOW_TIMEOUT_MINUTES}
    steps:
      - name: Check out the submission
        uses: actions/checkout@v4
        with:
          path: submission
      - name: Check out the graders at a pinned ref of the course repository
        uses: actions/checkout@v4
        with:
          repository: {repository}
          ref: {ref}
          path: graders
      - name: Set up Python
        uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Install the course package from the graders' checkout
        id: install
        run: |
          python -m pip install --quiet -r graders/requirements.txt
          python -m pip install --quiet --no-deps ./graders
"""

_GRADING_STEP = """\
      - name: {name}
        id: {runner}
        if: "!cancelled() && steps.install.outcome == 'success'"
        run: |
          status=0
          python -m cnnkit.grading submission/notebooks/ --notebook {stem} --details --classroom {runner}.json \\
            --junit grades-{runner}.xml --json grades-{runner}.json || status=$?
          echo "result=$(base64 -w0 {runner}.json)" >> "$GITHUB_OUTPUT"
          # 0: everything passed, 1: some exercises failed (reported below), 2: grading itself failed
          test "$status" -le 1
"""

_WORKFLOW_TAIL = """\
      - name: Keep the gradebooks
        if: "!cancelled()"
        uses: actions/upload-artifact@v4
        with:
          name: gradebook
          path: |
            grades-*.json
            grades-*.xml
      - name: Report the points to GitHub Classroom
        if: "!cancelled()"
        uses: classroom-resources/autograding-grading-reporter@v1
        env:
{env}
        with:
          runners: {runners}
"""


def runner_id(entry: Notebook) -> str:
    """The step id (and Classroom runner name) of a notebook's grading step, e.g. ``nb01``."""
    return f"nb{entry.number:02d}"


def classroom_workflow(notebooks: Sequence[Notebook] = NOTEBOOKS, graders_ref: str = DEFAULT_GRADERS_REF) -> str:
    """The text of ``.github/workflows/classroom.yml`` that grades ``notebooks`` with the graders of
    :data:`~cnnkit.config.COURSE_REPO` at ``graders_ref`` (a branch, tag or commit)."""
    if not notebooks:
        raise ValueError("The Classroom workflow needs at least one notebook to grade.")
    steps = "".join(_GRADING_STEP.format(name=json.dumps(f"Grade {entry.number:02d} {entry.title}"), stem=entry.stem,
                                         runner=runner_id(entry)) for entry in notebooks)
    # The reporter reads each runner's result from the variable <RUNNER>_RESULTS.
    runners = [runner_id(entry) for entry in notebooks]
    env = "\n".join(f'          {runner.upper()}_RESULTS: "${{{{ steps.{runner}.outputs.result }}}}"'
                    for runner in runners)
    head = _WORKFLOW_HEAD.format(WORKFLOW_TIMEOUT_MINUTES=WORKFLOW_TIMEOUT_MINUTES, repository=COURSE_REPO,
                                 ref=json.dumps(graders_ref))
    return head + steps + _WORKFLOW_TAIL.format(env=env, runners=",".join(runners))


def stale_files() -> list[Path]:
    """The generated files whose text differs from what the manifest gives."""
    expected = {README: with_readme_table(README.read_text(encoding="utf-8")), WORKFLOW: classroom_workflow()}
    return [path for path, text in expected.items()
            if not path.is_file() or path.read_text(encoding="utf-8") != text]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cnnkit.course.files", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file is out of date")
    parser.add_argument("--classroom", nargs="+", metavar="NOTEBOOK",
                        help="write only the Classroom workflow, grading only these notebooks (e.g. 01 04)")
    parser.add_argument("--graders-ref", default=DEFAULT_GRADERS_REF, metavar="REF",
                        help=f"the branch, tag or commit of {COURSE_REPO} whose graders the Classroom workflow runs "
                             f"(default {DEFAULT_GRADERS_REF}; pin a release tag for an assignment)")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_files()
        for path in stale:
            print(f"{path.relative_to(REPO_ROOT)} is out of date: run python -m cnnkit.course.files")
        return 1 if stale else 0
    if args.classroom:
        try:
            chosen = [notebook(int(text) if text.isdigit() else text) for text in args.classroom]
        except KeyError as error:
            parser.error(str(error))
        WORKFLOW.write_text(classroom_workflow(chosen, args.graders_ref), encoding="utf-8")
        print(f"Wrote {WORKFLOW.relative_to(REPO_ROOT)} for {', '.join(entry.stem for entry in chosen)}.")
        return 0
    README.write_text(with_readme_table(README.read_text(encoding="utf-8")), encoding="utf-8")
    WORKFLOW.parent.mkdir(parents=True, exist_ok=True)
    WORKFLOW.write_text(classroom_workflow(), encoding="utf-8")
    print(f"Wrote the notebook table in {README.name} and {WORKFLOW.relative_to(REPO_ROOT)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
