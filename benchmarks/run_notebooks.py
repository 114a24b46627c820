"""Run each solution notebook and record its wall time and headline results.

    python benchmarks/run_notebooks.py                   # every notebook, default mode
    python benchmarks/run_notebooks.py --fast 01 02      # fast mode, notebooks 01 and 02
    python benchmarks/run_notebooks.py --update-readme   # also rewrite the README's table
    python benchmarks/run_notebooks.py --readme-only     # rewrite the table from recorded results

Results go to ``benchmarks/results/notebooks-<mode>.json`` (merged with earlier runs) and a
Markdown table is printed. Headline results are the ``[result] name: value`` lines a
notebook prints with ``cnnkit.results.record``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cnnkit.notebooks import SOLUTIONS, run_notebook, text_outputs  # noqa: E402
from cnnkit.results import parse_results  # noqa: E402

README = ROOT / "README.md"
TABLE_START, TABLE_END = "<!-- notebook-table:start -->", "<!-- notebook-table:end -->"


def machine() -> str:
    return f"{os.cpu_count()} CPU cores, {platform.machine()}, Python {platform.python_version()}"


def table(rows: dict) -> str:
    lines = ["| notebook | default mode, CPU | headline results |", "|---|---|---|"]
    for name in sorted(rows):
        row = rows[name]
        results = "; ".join(f"{key}: {value}" for key, value in row["results"].items()) or "–"
        lines.append(f"| [{name}](notebooks/{name}.ipynb) | {row['seconds']:.0f} s | {results} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Time every solution notebook.")
    parser.add_argument("notebooks", nargs="*", help="number prefixes to run, e.g. 01 04 (default: all)")
    parser.add_argument("--fast", action="store_true", help="run in fast mode (CNNKIT_FAST=1)")
    parser.add_argument("--update-readme", action="store_true", help="rewrite the README's notebook table")
    parser.add_argument("--readme-only", action="store_true",
                        help="run nothing; rewrite the README's table from the recorded default-mode results")
    args = parser.parse_args(argv)
    if args.readme_only:
        args.notebooks, args.update_readme = ["-"], True  # "-" matches no notebook name
    mode = "fast" if args.fast else "default"
    paths = sorted(p for p in SOLUTIONS.glob("*.ipynb")
                   if not args.notebooks or any(p.name.startswith(prefix) for prefix in args.notebooks))
    store = ROOT / "benchmarks" / "results" / f"notebooks-{mode}.json"
    rows = json.loads(store.read_text())["notebooks"] if store.exists() else {}
    for path in paths:
        print(f"running {path.name} in {mode} mode ...", flush=True)
        executed, seconds = run_notebook(path, fast=args.fast, timeout=1800)
        rows[path.stem] = {"seconds": round(seconds, 1), "results": parse_results(text_outputs(executed)),
                           "date": date.today().isoformat()}
        print(f"  {seconds:.1f} s  {rows[path.stem]['results']}", flush=True)
        # Saved after every notebook, so that an interrupted run keeps what it measured.
        store.parent.mkdir(exist_ok=True)
        store.write_text(json.dumps({"mode": mode, "machine": machine(), "notebooks": rows}, indent=2) + "\n")
    markdown = table(rows)
    print(f"\n{mode} mode on {machine()}:\n\n{markdown}")
    if args.update_readme:
        if args.fast:
            parser.error("--update-readme records default-mode figures; drop --fast")
        text = README.read_text()
        if TABLE_START not in text:
            parser.error(f"README.md has no {TABLE_START} marker")
        block = f"{TABLE_START}\nMeasured on {machine()}.\n\n{markdown}\n{TABLE_END}"
        README.write_text(re.sub(re.escape(TABLE_START) + ".*?" + re.escape(TABLE_END), lambda _: block, text, flags=re.S))
        print("README.md table updated.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
