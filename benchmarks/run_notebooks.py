"""Run each solution notebook and record its wall time and headline results.

    python benchmarks/run_notebooks.py                   # every notebook, default mode
    python benchmarks/run_notebooks.py --fast 01 02      # fast mode, notebooks 01 and 02
    python benchmarks/run_notebooks.py --update-readme   # also rewrite the README's table
    python benchmarks/run_notebooks.py --readme-only     # rewrite the table from recorded results
    python benchmarks/run_notebooks.py --slowest 5 08    # also print notebook 08's five slowest cells

Results go to ``benchmarks/results/notebooks-<mode>.json`` (merged with earlier runs), and a
Markdown table of both modes' times and the default mode's results is printed. Headline results
are the ``[result] name: value`` lines a notebook prints with ``cnnkit.course.results.record``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sys
from datetime import date, datetime
from pathlib import Path

from cnnkit.config import REPO_ROOT
from cnnkit.course.manifest import NOTEBOOKS
from cnnkit.course.notebooks import SOLUTIONS_DIR, run_notebook, text_outputs
from cnnkit.course.results import parse_results

README = REPO_ROOT / "README.md"
#: Seconds one cell may run in the benchmark: default mode's training cells take minutes.
CELL_TIMEOUT = 1800
TABLE_START, TABLE_END = "<!-- notebook-table:start -->", "<!-- notebook-table:end -->"


def machine() -> str:
    return f"{os.cpu_count()} CPU cores, {platform.machine()}, Python {platform.python_version()}"


def table(rows: dict, fast_rows: dict) -> str:
    """Markdown table: default-mode time and results per notebook, in the course's order, and
    fast-mode time where recorded. A notebook with no default-mode run yet is left out."""
    lines = ["| notebook | default mode, CPU | fast mode, CPU | headline results (default mode) |",
             "|---|---|---|---|"]
    for entry in NOTEBOOKS:
        if entry.stem not in rows:
            continue
        row = rows[entry.stem]
        fast = f"{fast_rows[entry.stem]['seconds']:.0f} s" if entry.stem in fast_rows else "–"
        results = "; ".join(f"{key}: {value}" for key, value in row["results"].items()) or "–"
        link = f"[{entry.number:02d} {entry.title}](notebooks/{entry.stem}.ipynb)"
        lines.append(f"| {link} | {row['seconds']:.0f} s | {fast} | {results} |")
    return "\n".join(lines)


def slowest_cells(notebook, count: int) -> list[tuple[float, int, str]]:
    """The ``count`` slowest code cells of an executed notebook: (seconds, cell index, first line),
    read from the execution times nbclient stores in each cell's metadata."""
    timed = []
    for index, cell in enumerate(notebook.cells):
        times = cell.get("metadata", {}).get("execution", {})
        if "iopub.execute_input" in times and "shell.execute_reply" in times:
            start, end = (datetime.fromisoformat(times[key].replace("Z", "+00:00"))
                          for key in ("iopub.execute_input", "shell.execute_reply"))
            timed.append(((end - start).total_seconds(), index, cell.source.split("\n", 1)[0][:70]))
    return sorted(timed, reverse=True)[:count]


def load(mode: str) -> dict:
    """Recorded results of one mode ("default" or "fast"), by notebook name; empty if none yet."""
    store = results_file(mode)
    return json.loads(store.read_text())["notebooks"] if store.exists() else {}


def results_file(mode: str) -> Path:
    return REPO_ROOT / "benchmarks" / "results" / f"notebooks-{mode}.json"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Time every solution notebook.")
    parser.add_argument("notebooks", nargs="*", help="number prefixes to run, e.g. 01 04 (default: all)")
    parser.add_argument("--fast", action="store_true", help="run in fast mode (CNNKIT_FAST=1)")
    parser.add_argument("--update-readme", action="store_true", help="rewrite the README's notebook table")
    parser.add_argument("--readme-only", action="store_true",
                        help="run nothing; rewrite the README's table from the recorded results")
    parser.add_argument("--slowest", type=int, default=0, metavar="N", help="print each notebook's N slowest cells")
    args = parser.parse_args(argv)
    if args.readme_only:
        args.notebooks, args.update_readme = ["-"], True  # "-" matches no notebook name
    mode = "fast" if args.fast else "default"
    paths = [SOLUTIONS_DIR / f"{entry.stem}.ipynb" for entry in NOTEBOOKS
             if not args.notebooks or any(entry.stem.startswith(prefix) for prefix in args.notebooks)]
    store = results_file(mode)
    rows = load(mode)
    for path in paths:
        print(f"running {path.name} in {mode} mode ...", flush=True)
        executed, seconds = run_notebook(path, fast=args.fast, timeout=CELL_TIMEOUT)
        rows[path.stem] = {"seconds": round(seconds, 1), "results": parse_results(text_outputs(executed)),
                           "date": date.today().isoformat()}
        print(f"  {seconds:.1f} s  {rows[path.stem]['results']}", flush=True)
        for cell_seconds, index, first_line in slowest_cells(executed, args.slowest):
            print(f"    {cell_seconds:6.1f} s  cell {index:3d}  {first_line}")
        # Saved after every notebook, so that an interrupted run keeps what it measured.
        store.parent.mkdir(exist_ok=True)
        store.write_text(json.dumps({"mode": mode, "machine": machine(), "notebooks": rows}, indent=2) + "\n")
    markdown = table(load("default"), load("fast"))
    print(f"\nMeasured on {machine()}:\n\n{markdown}")
    if args.update_readme:
        text = README.read_text()
        if TABLE_START not in text:
            parser.error(f"README.md has no {TABLE_START} marker")
        block = f"{TABLE_START}\nMeasured on {machine()}.\n\n{markdown}\n{TABLE_END}"
        pattern = re.escape(TABLE_START) + ".*?" + re.escape(TABLE_END)
        README.write_text(re.sub(pattern, lambda _: block, text, flags=re.S))
        print("README.md table updated.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
