#!/usr/bin/env python3
"""Bootstrap the project with nothing but Python >= 3.11.

    python3 run.py serve   # venv, install, migrate, demo data, Daphne on 127.0.0.1:8000
    python3 run.py test    # venv, install dev extras, whole test suite (pytest args pass through)

Everything else is an ordinary Django project: `.venv/bin/python manage.py ...`.
Only the standard library is used here, because this runs before anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("TRIPARTITE_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")


def _run(*args: str | Path, **kwargs) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], check=True, cwd=ROOT, **kwargs)


def _digest(spec: str) -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + spec.encode()).hexdigest()


def ensure_venv(extras: str = "") -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - run.py runs before anything checks the version
        sys.exit("Tripartite needs Python 3.11 or newer.")
    if not PY.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    spec = "." + (f"[{extras}]" if extras else "")
    digest = _digest(spec)
    stamp = VENV / f".installed-{extras or 'base'}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    dev_stamp = VENV / ".installed-dev"
    if not extras and dev_stamp.exists() and dev_stamp.read_text() == _digest(".[dev]"):
        return  # the development install is a superset of the base one
    _run(PY, "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", spec)
    stamp.write_text(digest)


def serve(args: list[str]) -> None:
    ensure_venv()
    _run(PY, "manage.py", "migrate", "--noinput")
    _run(PY, "manage.py", "load_demo")
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    print(f"\nTripartite is at http://{host}:{port}/  (demo accounts: README.md)\n", flush=True)
    # Daphne's own message limit (default 1 MiB, beyond which it drops the connection) just
    # above the site socket's 64 KiB (WEBSOCKET_MAX_FRAME_BYTES), so the consumer answers an
    # oversize frame with its own close code 4009.
    os.execv(
        str(BIN / "daphne"),
        [
            str(BIN / "daphne"),
            "-b",
            host,
            "-p",
            port,
            "--websocket-max-message-size",
            "66560",
            *args,
            "config.asgi:application",
        ],
    )


def test(args: list[str]) -> None:
    ensure_venv("dev")
    result = subprocess.run([str(PY), "-m", "pytest", *args], cwd=ROOT)
    sys.exit(result.returncode)


def main() -> None:
    os.chdir(ROOT)
    command, *rest = sys.argv[1:] or ["serve"]
    commands = {"serve": serve, "test": test}
    if command not in commands:
        sys.exit(f"usage: python3 run.py [{'|'.join(commands)}] [args...]")
    commands[command](rest)


if __name__ == "__main__":
    main()
