"""`make lab` works: a Jupyter Lab server starts from the course environment and serves the
learner notebooks (started here on a free local port with a token, then stopped)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read()


def test_jupyter_lab_serves_the_course(tmp_path):
    port, token = free_port(), "course-test"
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
               f"--ServerApp.token={token}", "--LabApp.default_url=/lab/tree/notebooks"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path), "JUPYTER_CONFIG_DIR": str(tmp_path / "config")}
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 60
        while True:
            try:
                get(f"{base}/api/status?token={token}")
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()[-2000:]
                assert time.time() < deadline, "Jupyter Lab did not start within 60 s"
                time.sleep(0.5)
        status, body = get(f"{base}/api/contents/notebooks?token={token}")
        names = {item["name"] for item in json.loads(body)["content"]}
        assert {path.name for path in (ROOT / "notebooks").glob("*.ipynb")} <= names
        status, page = get(f"{base}/lab/tree/notebooks?token={token}")
        assert status == 200 and b"JupyterLab" in page
    finally:
        server.terminate()
        server.wait(timeout=20)
