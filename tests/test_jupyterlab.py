"""JupyterLab from the project's .venv starts, serves the repository and lists the notebooks."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JUPYTER = Path(sys.executable).with_name("jupyter")
STARTUP_SECONDS = 90


def free_port() -> int:
    """A currently free TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def list_notebooks(port: int, token: str) -> list[str] | None:
    """Names in ``notebooks/`` from the contents API, or None while the server is not up yet."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/contents/notebooks", headers={"Authorization": f"token {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            listing = json.load(response)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None
    return sorted(item["name"] for item in listing["content"] if item["type"] == "notebook")


def test_jupyter_lab_serves_the_notebooks(tmp_path: Path) -> None:
    expected = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    port, token = free_port(), secrets.token_hex(16)
    command = [
        str(JUPYTER),
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--port-retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={ROOT}",
    ]
    if os.geteuid() == 0:  # containers and CI often run as root; jupyter refuses that without the flag
        command.append("--allow-root")
    log = (tmp_path / "lab.log").open("w")
    # A private runtime dir keeps the server's connection files out of the user's ~/.local.
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    server = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        listed = None
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline and server.poll() is None:
            listed = list_notebooks(port, token)
            if listed is not None and listed == expected:
                break
            time.sleep(0.5)
        assert server.poll() is None, f"jupyter lab exited early:\n{(tmp_path / 'lab.log').read_text()[-3000:]}"
        assert listed == expected, f"listed {listed}, expected {expected}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        log.close()
