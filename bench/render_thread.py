#!/usr/bin/env python
"""Quick in-process timing of the forum pages (no HTTP server): the long thread's first and
last page and the space thread list, rendered with the Django test client for a signed-in
member, with DEBUG off, on the seeded bench database. Prints wall-clock and CPU ms per request.

    .venv/bin/python bench/render_thread.py \\
        --database-url postgres://postgres@127.0.0.1:5432/tripartite_bench [-n 50]

Also ``--dump DIR`` writes each page's HTML (with the per-request CSRF token masked), to
compare the markup before and after a template change.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LONG_THREAD_TITLE = "Benchmark long thread: minimum wage review 2026"  # bench/seed_forums.py
USER_EMAIL = "wrk.in@demo.example.org"
SPACE = "india-dialogue"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("-n", type=int, default=50, help="requests per page (default 50)")
    parser.add_argument("--dump", type=Path, help="write each page's HTML into this folder")
    args = parser.parse_args()
    if "bench" not in args.database_url.rsplit("/", 1)[-1]:
        sys.exit("Refusing a database whose name does not contain 'bench'.")

    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=args.database_url,
        DEBUG="0",
        SECRET_KEY="bench-only-" + "x" * 40,
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import Client

    from accounts.models import User
    from forums.models import POSTS_PER_PAGE, Thread

    thread = Thread.objects.get(title=LONG_THREAD_TITLE)
    last = max(1, -(-thread.last_post_number // POSTS_PER_PAGE))
    client = Client()
    client.force_login(User.objects.get(email=USER_EMAIL))
    pages = {
        "/healthz/ (baseline)": "/healthz/",
        "thread list": f"/s/{SPACE}/threads/",
        "thread page 1": f"/t/{thread.pk}/",
        f"thread page {last}": f"/t/{thread.pk}/?page={last}",
    }
    for name, path in pages.items():
        response = client.get(path, secure=True)  # warm-up (template loading, url caches)
        assert response.status_code == 200, (path, response.status_code)
        if args.dump:
            args.dump.mkdir(parents=True, exist_ok=True)
            html = response.content.decode()
            html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value="…"', html)
            (args.dump / (re.sub(r"[^a-z0-9]+", "-", name).strip("-") + ".html")).write_text(html)
        times, cpu = [], []
        for _ in range(args.n):
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(path, secure=True)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
            assert response.status_code == 200
        # CPU time of this process is the steadier figure on a shared machine.
        print(f"{name:20} wall: mean {statistics.mean(times):5.1f} median {statistics.median(times):5.1f}"
              f" min {min(times):5.1f} ms | CPU: mean {statistics.mean(cpu):5.1f}"
              f" median {statistics.median(cpu):5.1f} ms  ({args.n} requests)")


if __name__ == "__main__":
    main()
