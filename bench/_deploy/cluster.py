"""A throwaway PostgreSQL cluster of Debian's 15 binaries in a temporary folder, on its own
port: the bench stops and starts it mid-load, which it must not do to the cluster the test
suite (and other people's runs) share."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from contextlib import suppress
from pathlib import Path

BIN = Path("/usr/lib/postgresql/15/bin")
DATABASE = "dailypapers"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    def __init__(self, folder: Path):
        self.folder = folder / "pg"
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def _as_postgres(self, *command: str) -> None:
        runner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*runner, *command], check=True, capture_output=True, text=True)

    def create(self) -> None:
        if not (BIN / "initdb").exists():
            raise SystemExit("PostgreSQL 15 is missing: apt-get install postgresql-15")
        self.folder.parent.chmod(0o755)
        self.folder.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._as_postgres(
            str(BIN / "initdb"), "-D", str(self.folder), "-U", "postgres", "-A", "trust", "-N"
        )
        settings = (
            f"port = {self.port}\nlisten_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{self.folder}'\nmax_connections = 200\n"
        )
        with (self.folder / "postgresql.conf").open("a") as conf:
            conf.write(settings)
        self.start()
        self._as_postgres(
            str(BIN / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
            "-qc", f"CREATE DATABASE {DATABASE}",
        )  # fmt: skip

    def start(self) -> None:
        log = str(self.folder / "server.log")
        self._as_postgres(str(BIN / "pg_ctl"), "-D", str(self.folder), "-l", log, "-w", "start")

    def stop(self) -> None:
        """A fast shutdown: sessions are cut at once, as a restart for an upgrade does."""
        self._as_postgres(str(BIN / "pg_ctl"), "-D", str(self.folder), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        with suppress(subprocess.CalledProcessError):  # not running
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
