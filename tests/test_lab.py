"""`make lab` works: a Jupyter Lab server starts from the course environment and serves the
learner notebooks (started here on a free local port with a token, then stopped)."""

from __future__ import annotations

import json
from pathlib import Path

from lab_server import TOKEN, get, running_lab

ROOT = Path(__file__).resolve().parent.parent


def test_jupyter_lab_serves_the_course(tmp_path):
    with running_lab(ROOT, tmp_path) as base:
        status, body = get(f"{base}/api/contents/notebooks?token={TOKEN}")
        names = {item["name"] for item in json.loads(body)["content"]}
        assert {path.name for path in (ROOT / "notebooks").glob("*.ipynb")} <= names
        status, page = get(f"{base}/lab/tree/notebooks?token={TOKEN}")
        assert status == 200 and b"JupyterLab" in page
