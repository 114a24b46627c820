"""Start Jupyter Lab the way `make lab` does, on a free local port with a token, for the tests
that talk to it (tests/test_lab.py over HTTP, tests/test_browser.py through a real browser)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

#: Seconds Jupyter Lab may take to answer its first request.
START_SECONDS = 90
TOKEN = "course-test"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read()


@contextlib.contextmanager
def running_lab(root: Path, state: Path, env: dict[str, str] | None = None):
    """Run Jupyter Lab serving ``root`` (its runtime and settings kept in ``state``) and yield its
    base URL; ``env`` adds environment variables for the server and the kernels it starts."""
    port = free_port()
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
               f"--ServerApp.token={TOKEN}", f"--ServerApp.root_dir={root}",
               "--LabApp.default_url=/lab/tree/notebooks"]
    if os.geteuid() == 0:  # as `make lab` does: Jupyter refuses root unless told
        command.append("--allow-root")
    server_env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(state / "runtime"),
                  "JUPYTER_CONFIG_DIR": str(state / "config"), **(env or {})}
    log = open(state / "jupyter-lab.log", "wb")
    server = subprocess.Popen(command, cwd=root, env=server_env, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + START_SECONDS
        while True:
            try:
                get(f"{base}/api/status?token={TOKEN}")
                break
            except OSError as error:
                if server.poll() is not None:
                    log_tail = (state / "jupyter-lab.log").read_text()[-2000:]
                    raise RuntimeError(f"Jupyter Lab exited:\n{log_tail}") from error
                if time.time() > deadline:
                    raise RuntimeError(f"Jupyter Lab did not answer within {START_SECONDS} s") from error
                time.sleep(0.5)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
