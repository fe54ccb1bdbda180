#!/usr/bin/env python
"""Do sign-up, sign-in and password reset tell by their timing which addresses have accounts?

For each flow, the same request with an address that has an account ("known") and one that
has none ("unknown", a fresh address every time) is timed, interleaved — each round times
both, in alternating order, so drift in the machine's load hits both alike — over many
rounds; the unknown address is the baseline measured beside it. Prints the median of each
and the ratio known / unknown (1.0 = no difference).

    .venv/bin/python bench/signup_timing.py [--rounds 25] [--warm-up 3]

In-process (Django's test client, no HTTP server): what differs is the server's own work, and
a network only adds noise an attacker averages away. Production settings where they matter
(DEBUG off, Django's default PBKDF2 hasher with its full iteration count, templates cached),
on a throw-away SQLite database in a temporary folder (migrated first, ~10 s), email to
memory, tasks run in-process. allauth's rate limits are switched off, or they would stop the
flows after a few rounds. Requests:

* sign-up: POST /accounts/signup/ (a new account; or an "account already exists" email);
* sign-in: POST /accounts/login/ with a wrong password;
* password reset: POST /accounts/password/reset/ (a reset link; or "no account here").
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KNOWN = "known@bench.example.org"
KNOWN_PASSWORD = "the-known-accounts-password-1"
ATTEMPT = "a-long-and-unusual-passphrase-17"
_counter = itertools.count(1)


def fresh_address() -> str:
    return f"nobody-{next(_counter)}-{os.getpid()}@bench.example.org"


def setup_django(folder: Path) -> None:
    for name in ("DATABASE_URL", "REDIS_URL", "DJANGO_ENV", "TASK_BACKEND", "MEDIA_ROOT"):
        os.environ.pop(name, None)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SQLITE_PATH=str(folder / "db.sqlite3"),
        DEBUG="0",
        SECRET_KEY="bench-only-" + "x" * 40,
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="ERROR",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def flows():
    """name -> (path, data for an address, the status that flow must answer)."""
    return {
        "sign-up": (
            "/accounts/signup/",
            lambda email: {"email": email, "password1": ATTEMPT, "password2": ATTEMPT},
            302,
        ),
        "sign-in (wrong password)": (
            "/accounts/login/",
            lambda email: {"login": email, "password": ATTEMPT},
            200,
        ),
        "password reset": ("/accounts/password/reset/", lambda email: {"email": email}, 302),
    }


def timed(path: str, data: dict, status: int) -> float:
    from django.core import mail
    from django.test import Client

    client = Client()  # a new visitor every time: no session, no cookies
    start = time.perf_counter()
    response = client.post(path, data, secure=True)
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != status:
        sys.exit(f"{path} answered {response.status_code}, expected {status}")
    mail.outbox = []
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=25, help="timed rounds (default 25)")
    parser.add_argument("--warm-up", type=int, default=3, help="untimed rounds first (3)")
    args = parser.parse_args()
    # WhiteNoise warns that STATIC_ROOT was never collected: irrelevant to POSTs.
    warnings.filterwarnings("ignore", message="No directory at")

    with tempfile.TemporaryDirectory(prefix="signup-timing-") as folder:
        setup_django(Path(folder))
        from django.contrib.auth.hashers import get_hasher
        from django.test.utils import override_settings

        from accounts import services

        services.create_user(email=KNOWN, password=KNOWN_PASSWORD, display_name="Known")
        hasher = get_hasher()
        print(
            f"hasher {hasher.algorithm} ({getattr(hasher, 'iterations', '-')} iterations); "
            f"{args.rounds} rounds after {args.warm_up} of warm-up; medians in ms"
        )
        times: dict[tuple[str, str], list[float]] = {}
        from django.conf import settings

        storages = {
            **settings.STORAGES,
            # No collectstatic here: plain static URLs (the manifest lookup is the same
            # work for both addresses anyway).
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        with override_settings(ACCOUNT_RATE_LIMITS=False, STORAGES=storages):
            for round_no in range(args.warm_up + args.rounds):
                for name, (path, data, status) in flows().items():
                    order = ("known", "unknown") if round_no % 2 else ("unknown", "known")
                    for who in order:
                        email = KNOWN if who == "known" else fresh_address()
                        elapsed = timed(path, data(email), status)
                        if round_no >= args.warm_up:
                            times.setdefault((name, who), []).append(elapsed)
        for name in flows():
            known = statistics.median(times[(name, "known")])
            unknown = statistics.median(times[(name, "unknown")])
            print(
                f"  {name:<26} known {known:7.1f}  unknown (baseline) {unknown:7.1f}  "
                f"ratio known/unknown {known / unknown:5.2f}"
            )


if __name__ == "__main__":
    main()
