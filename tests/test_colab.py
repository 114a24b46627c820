"""Notebooks run the way Colab runs them: alone in an empty folder, in a Python that has the
pinned packages but not this repository, with `google.colab` imported, so that the set-up cell
installs cnnkit with `pip install "cnnkit @ git+https://github.com/<course repo>"`.

Git is told to fetch that URL from this checkout (`url.<checkout>.insteadOf`), so the install is
the real one, offline. Everything else a notebook needs must come with the installed package,
the pinned packages, or the system datasets that set-up installs. Logs go to
``build/test-artifacts/colab/``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sysconfig
import venv
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from cnnkit.config import COURSE_REPO, REPO_ROOT

ARTIFACTS = REPO_ROOT / "build" / "test-artifacts" / "colab"
#: A representative subset: NumPy on shipped photos, Keras on Fashion-MNIST, generated scenes.
NOTEBOOKS = ("01_convolution_basics", "04_first_cnn_with_keras", "10_segmentation_unet")
CELL_SECONDS = 600
COLAB_STUB = '"""Stands in for Colab\'s module: notebooks only ask whether it is imported."""\n'


def _committed_checkout_or_skip() -> None:
    if not (REPO_ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("needs git and a git checkout of the course: pip installs cnnkit from a git URL")


def _python_without_the_course(folder: Path) -> Path:
    """A fresh virtual environment that sees the course environment's packages (no reinstall of
    TensorFlow, as in Colab) except cnnkit itself."""
    venv.create(folder / "venv", with_pip=False)
    packages = folder / "packages"
    packages.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if not entry.name.lower().startswith(("cnnkit", "__editable__")):
            (packages / entry.name).symlink_to(entry)
    python = folder / "venv" / "bin" / "python"
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (Path(site) / "course-packages.pth").write_text(str(packages) + "\n")
    return python


def _colab_like_environment(tmp_path: Path, monkeypatch) -> str:
    """Environment variables and files that make a kernel look like Colab's; returns the kernel name."""
    python = _python_without_the_course(tmp_path / "env")
    kernels = tmp_path / "jupyter" / "kernels" / "colab"
    kernels.mkdir(parents=True)
    spec = {"argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Colab-like", "language": "python"}
    (kernels / "kernel.json").write_text(json.dumps(spec))
    stub = tmp_path / "stub" / "google" / "colab"
    stub.mkdir(parents=True)  # "google" stays a namespace package: protobuf lives there too
    (stub / "__init__.py").write_text(COLAB_STUB)
    startup = tmp_path / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-colab.py").write_text("import google.colab  # Colab's kernels have it imported\n")
    git_config = tmp_path / "gitconfig"
    git_config.write_text(f'[url "{REPO_ROOT.as_uri()}"]\n\tinsteadOf = https://github.com/{COURSE_REPO}\n'
                          f'[safe]\n\tdirectory = *\n')
    for name, value in {"JUPYTER_PATH": str(tmp_path / "jupyter"), "IPYTHONDIR": str(tmp_path / "ipython"),
                        "PYTHONPATH": str(tmp_path / "stub"), "GIT_CONFIG_GLOBAL": str(git_config),
                        "CNNKIT_FAST": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("CNNKIT_DATA_DIR", raising=False)
    return "colab"


@pytest.fixture(scope="module")
def colab_kernel(tmp_path_factory):
    _committed_checkout_or_skip()
    monkeypatch = pytest.MonkeyPatch()
    try:
        yield _colab_like_environment(tmp_path_factory.mktemp("colab"), monkeypatch)
    finally:
        monkeypatch.undo()


@pytest.mark.notebook
@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_notebook_runs_alone_as_in_colab(stem, colab_kernel, tmp_path):
    folder = tmp_path / "content"  # Colab's empty working folder
    folder.mkdir()
    shutil.copy(REPO_ROOT / "solutions" / f"{stem}.ipynb", folder)
    notebook = nbformat.read(folder / f"{stem}.ipynb", as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell("import cnnkit; print('cnnkit from', cnnkit.__file__)"))
    client = NotebookClient(notebook, kernel_name=colab_kernel, timeout=CELL_SECONDS,
                            resources={"metadata": {"path": str(folder)}})
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        client.execute()
    finally:
        nbformat.write(notebook, ARTIFACTS / f"{stem}.ipynb")
    outputs = "".join(output.get("text", "") for cell in notebook.cells for output in cell.get("outputs", []))
    assert "✗" not in outputs, f"a check failed in {stem} run as in Colab; see {ARTIFACTS / stem}.ipynb"
    where = outputs.rsplit("cnnkit from ", 1)[1].strip()
    assert str(REPO_ROOT) not in where, f"the notebook used this checkout's cnnkit ({where}), not the installed one"
