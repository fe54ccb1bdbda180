#!/usr/bin/env python3
"""Bootstrap the project with nothing but Python >= 3.11.

    python3 run.py serve     # venv, install (site lock), migrate, demo data, Daphne on :8000
    python3 run.py test      # venv, install (development lock), whole suite (args go to pytest)
    python3 run.py install   # only the install step (`install site` for the site's lock alone)
    python3 run.py lock      # re-resolve both lock files from pyproject.toml, then the suite
                             # (args go to `uv pip compile`, e.g. --upgrade-package django)

Installs come only from the committed lock files (exact versions, hashed, every platform and
Python >= 3.11): ``requirements/site.txt`` for the site, ``requirements/dev.txt`` for the site
plus the development tools. The virtualenv is re-synced whenever a lock's content changes:
what the lock names is installed with ``--require-hashes --no-deps``, what it no longer names
is removed, and ``pip check`` must pass. Before anything runs, the locks are checked against
pyproject.toml's ranges (``requirements/check.py``): a lock that no longer satisfies them stops
the run with the command that refreshes it.

Everything else is an ordinary Django project: `.venv/bin/python manage.py ...`.
Only the standard library is used here, because this runs before anything is installed.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("TRIPARTITE_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
LOCKS = {"site": ROOT / "requirements" / "site.txt", "dev": ROOT / "requirements" / "dev.txt"}
STAMP = VENV / ".installed-lock"
# Distributions a virtualenv brings along that no lock names.
KEEP = {"pip", "setuptools", "wheel"}
# Daphne buffers a whole WebSocket message before the application sees it; just above the
# application's 64 KiB limit (settings.WEBSOCKET_MAX_FRAME_BYTES), so an oversize frame
# reaches the consumer, which closes with its own code.
WEBSOCKET_MAX_MESSAGE_BYTES = "66560"  # 65 KiB


def _run(*args: str | Path, **kwargs) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], check=True, cwd=ROOT, **kwargs)


def _stamp(name: str) -> str:
    return f"{name}:{hashlib.sha256(LOCKS[name].read_bytes()).hexdigest()}"


def _pinned_names(lock: Path) -> set[str]:
    names = set()
    for line in lock.read_text().splitlines():
        if line and not line[0].isspace() and not line.startswith("#") and "==" in line:
            names.add(_normalize(line.split("==", 1)[0]))
    return names


def _normalize(name: str) -> str:
    return name.strip().lower().replace("_", "-").replace(".", "-")


def ensure_venv(name: str = "site") -> None:
    """Install the lock ``name`` into the virtualenv unless it is there already. The
    development lock is a superset of the site's, so it also serves ``serve``."""
    if sys.version_info < (3, 11):  # noqa: UP036 - run.py runs before anything checks the version
        sys.exit("Tripartite needs Python 3.11 or newer.")
    if not PY.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    installed = STAMP.read_text() if STAMP.exists() else ""
    if installed == _stamp(name) or (name == "site" and installed == _stamp("dev")):
        return
    lock = LOCKS[name]
    pip = [PY, "-m", "pip", "--disable-pip-version-check"]
    _run(*pip, "install", "-q", "--require-hashes", "--no-deps", "-r", lock)
    # Sync: what the lock no longer names goes (an upgrade that drops a dependency, the old
    # editable install of the project, the development tools when switching to the site lock).
    listed = subprocess.run(
        [str(a) for a in (*pip, "list", "--format=json")],
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout
    wanted = _pinned_names(lock) | KEEP
    extra = sorted(d["name"] for d in json.loads(listed) if _normalize(d["name"]) not in wanted)
    if extra:
        _run(*pip, "uninstall", "-q", "-y", *extra)
    _run(*pip, "check")
    STAMP.write_text(_stamp(name))


def check_locks() -> None:
    """Stop if a lock no longer satisfies pyproject.toml (a range was changed by hand)."""
    result = subprocess.run([str(PY), str(ROOT / "requirements" / "check.py")], cwd=ROOT)
    if result.returncode != 0:
        sys.exit("The lock files do not match pyproject.toml: run `python3 run.py lock`.")


def install(args: list[str]) -> None:
    name = args[0] if args else "dev"
    if name not in LOCKS:
        sys.exit(f"usage: python3 run.py install [{'|'.join(LOCKS)}]")
    ensure_venv(name)
    check_locks()


def serve(args: list[str]) -> None:
    ensure_venv("site")
    check_locks()
    _run(PY, "manage.py", "migrate", "--noinput")
    _run(PY, "manage.py", "load_demo")
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    print(f"\nTripartite is at http://{host}:{port}/  (demo accounts: README.md)\n", flush=True)
    daphne = str(BIN / "daphne")
    os.execv(
        daphne,
        [
            daphne,
            "-b",
            host,
            "-p",
            port,
            "--websocket-max-message-size",
            WEBSOCKET_MAX_MESSAGE_BYTES,
            *args,
            "config.asgi:application",
        ],
    )


def test(args: list[str]) -> None:
    ensure_venv("dev")
    check_locks()
    result = subprocess.run([str(PY), "-m", "pytest", *args], cwd=ROOT)
    sys.exit(result.returncode)


def lock(args: list[str]) -> None:
    """Re-resolve both locks with uv (pinned in the development lock) for every platform and
    Python >= 3.11, keeping today's pins unless asked to move them, then run the suite."""
    ensure_venv("dev")
    compile_ = [
        BIN / "uv",
        "pip",
        "compile",
        "pyproject.toml",
        "--universal",
        "--generate-hashes",
        "--python-version",
        "3.11",
        "--quiet",
        "--custom-compile-command",
        "python3 run.py lock",
        *args,
    ]
    _run(*compile_, "-o", LOCKS["site"])
    _run(*compile_, "--extra", "dev", "-o", LOCKS["dev"])
    check_locks()
    test([])


def main() -> None:
    os.chdir(ROOT)
    command, *rest = sys.argv[1:] or ["serve"]
    commands = {"serve": serve, "test": test, "install": install, "lock": lock}
    if command not in commands:
        sys.exit(f"usage: python3 run.py [{'|'.join(commands)}] [args...]")
    commands[command](rest)


if __name__ == "__main__":
    main()
