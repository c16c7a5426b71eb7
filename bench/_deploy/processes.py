"""``dailypapers serve --workers N`` as a subprocess: started, probed, one worker killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

SECRET = "deploy-bench-secret-key-not-for-production"


def environment(url: str, data_dir: Path, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src"),  # this checkout's code
        "DAILYPAPERS_DATABASE_URL": url,
        "DAILYPAPERS_DATA_DIR": str(data_dir),
        "DAILYPAPERS_SECRET_KEY": SECRET,
        "DAILYPAPERS_BASE_URL": f"http://127.0.0.1:{port}",
        "DAILYPAPERS_PORT": str(port),
        "DAILYPAPERS_HARVEST_SOURCES": "",
        "DAILYPAPERS_JOBS": "",
        # The bench is one client address: the API's per-address limit would refuse most of it.
        "DAILYPAPERS_API_RATE_ANONYMOUS": "0",
        "DAILYPAPERS_API_RATE_TOKEN": "0",
        "DAILYPAPERS_LOG_LEVEL": "WARNING",
        # The bench speaks for many readers, each from an address of its own, as a proxy does.
        "DAILYPAPERS_TRUSTED_PROXIES": "127.0.0.1",
        "COLUMNS": "400",  # one log record a line
    }


class Server:
    def __init__(self, env: dict[str, str], workers: int, log: Path, cwd: Path):
        self.env, self.workers, self.log_path, self.cwd = env, workers, log, cwd
        self.base = env["DAILYPAPERS_BASE_URL"]

    def __enter__(self) -> Server:
        command = [sys.executable, "-m", "dailypapers", "serve", "--workers", str(self.workers)]
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [*command, "--no-jobs"], env=self.env, cwd=self.cwd, stdout=self.log, stderr=self.log
        )
        deadline = time.monotonic() + 120
        while not self._ready():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.__exit__()
                tail = self.log_path.read_text()[-3000:]
                raise RuntimeError(f"the server did not start:\n{tail}")
            time.sleep(0.3)
        return self

    def _ready(self) -> bool:
        try:
            return httpx.get(self.base + "/readyz", timeout=5).status_code == 200
        except httpx.TransportError:
            return False

    def worker_pids(self) -> list[int]:
        """The worker processes uvicorn's supervisor runs (multiprocessing's spawned children)."""
        found = []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        for pid in children.read_text().split():
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"spawn_main" in command:
                found.append(int(pid))
        return found

    def kill_a_worker(self) -> int:
        pid = self.worker_pids()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def __exit__(self, *_exc: object) -> None:
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
