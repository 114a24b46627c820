"""The benchmark scripts that produce the README's figures: they must run, and print what they claim."""

import importlib.util
from pathlib import Path

import pytest

from cnnkit.course.manifest import NOTEBOOKS

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture(autouse=True)
def _scripts_folder_on_path(monkeypatch):
    """As when a script runs: its own folder first on sys.path, so that it can import a sibling."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))


def load_script(name):
    """Import benchmarks/<name>.py as a module (the folder is not a package)."""
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_notebook_table_follows_the_manifest_and_shows_a_dash_for_a_missing_fast_time():
    first, second = NOTEBOOKS[0], NOTEBOOKS[1]
    table = load_script("run_notebooks").table(
        {second.stem: {"seconds": 10.0, "results": {}},
         first.stem: {"seconds": 14.4, "results": {"accuracy": "0.91", "loss": "0.3"}},
         "00_not_in_the_course": {"seconds": 1.0, "results": {}}},
        {first.stem: {"seconds": 7.6, "results": {}}})
    lines = table.splitlines()
    assert lines[0].count("|") == lines[1].count("|") == 5
    assert lines[2] == f"| [01 {first.title}](notebooks/{first.stem}.ipynb) | 14 s | 8 s | accuracy: 0.91; loss: 0.3 |"
    assert lines[3] == f"| [02 {second.title}](notebooks/{second.stem}.ipynb) | 10 s | – | – |"
    assert len(lines) == 4


def test_resnet_width_benchmark_prints_one_row_per_width(capsys):
    assert load_script("resnet_width").main(["--widths", "4", "8", "--batches", "1", "--repeats", "1"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ") and "width" not in line]
    assert [row.split("|")[1].strip() for row in rows] == ["4", "8"]
    assert all(float(row.split("|")[column]) > 0 for row in rows for column in (3, 4))  # with and without XLA


def test_resnet_width_benchmark_refuses_a_width_of_zero():
    with pytest.raises(SystemExit):
        load_script("resnet_width").main(["--widths", "0"])


def test_slowest_cells_reads_the_execution_times_nbclient_stores():
    import nbformat

    notebook = nbformat.v4.new_notebook()
    for source, start, end in [("fit()\nmore", "12:00:00.000", "12:00:30.500"), ("plot()", "12:00:31", "12:00:32"),
                               ("import keras", "12:00:00", "12:00:05")]:
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["execution"] = {"iopub.execute_input": f"2026-12-01T{start}Z",
                                      "shell.execute_reply": f"2026-12-01T{end}Z"}
        notebook.cells.append(cell)
    notebook.cells.append(nbformat.v4.new_markdown_cell("not timed"))
    assert load_script("run_notebooks").slowest_cells(notebook, 2) == [(30.5, 0, "fit()"), (5.0, 2, "import keras")]


def test_regularization_seeds_benchmark_prints_paired_gains_and_a_verdict_per_technique(capsys):
    script = load_script("regularization_seeds")
    assert script.main(["--images", "64", "--epochs", "1", "--seeds", "0", "1", "--techniques", "dropout"]) == 0
    rows = [line.split(" | ") for line in capsys.readouterr().out.splitlines() if line.startswith("| ")][1:]  # after the header
    assert [row[0] for row in rows] == ["| no regularisation", "| dropout"]
    assert rows[0][2] == "+0.000 +0.000" and rows[0][-1] == "– |"   # the baseline's gain over itself
    assert rows[1][-1] in ("yes |", "no |") and len(rows[1][1].split()) == 2
    plain, dropout = ([float(v) for v in row[1].split()] for row in rows)
    gains = [float(g) for g in rows[1][2].split()]
    assert gains == pytest.approx([d - p for d, p in zip(dropout, plain)], abs=0.0011)  # gain = same seed's difference
    assert float(rows[1][3]) == pytest.approx(sum(gains) / 2, abs=0.0011)


def test_regularization_seeds_benchmark_needs_two_seeds():
    with pytest.raises(SystemExit):
        load_script("regularization_seeds").main(["--seeds", "0"])
