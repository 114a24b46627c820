"""`make lab` works: a Jupyter Lab server starts from the course environment and serves the
learner notebooks (started here on a free local port with a token, then stopped)."""

from __future__ import annotations

import json

from lab_server import TOKEN, get, running_lab

from cnnkit.config import REPO_ROOT


def test_jupyter_lab_serves_the_course(tmp_path):
    with running_lab(REPO_ROOT, tmp_path) as base:
        status, body = get(f"{base}/api/contents/notebooks?token={TOKEN}")
        names = {item["name"] for item in json.loads(body)["content"]}
        assert {path.name for path in (REPO_ROOT / "notebooks").glob("*.ipynb")} <= names
        status, page = get(f"{base}/lab/tree/notebooks?token={TOKEN}")
        assert status == 200 and b"JupyterLab" in page
