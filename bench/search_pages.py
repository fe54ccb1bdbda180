#!/usr/bin/env python
"""Search page benchmark: four searches (English, a two-character Japanese word, a Lao word,
and a filtered English search), each beside a primary-key lookup page for the same signed-in
user, against Daphne with production settings. Standard library only; the HTTP client, the
measurement loop and the server start are ``bench/forum_pages.py``'s (read its docstring).

    # once: bench/seed_forums.py (see its docstring: migrate, load_demo, seed), then
    .venv/bin/python manage.py rebuild_search_index          # same DATABASE_URL
    .venv/bin/python bench/search_pages.py \\
        --database-url postgres://postgres@127.0.0.1:5432/tp_search_bench \\
        --redis-url redis://127.0.0.1:6379/5

Baseline: ``/p/<pk>/fragment/`` — one post fetched by primary key through the same
access check every forum page makes (``get_post_for_user``) and rendered with the post
template; the cheapest page whose work is "look one row up, check access, render it", i.e.
what the issue calls a primary-key lookup page. The post is the first result of the English
search (fixed before any measurement).

Method: for each of ``--rounds`` rounds, for each search, the baseline and the search are
measured one after the other (order alternating between rounds), ``--duration`` seconds
each with ``--concurrency`` client threads. Only 200 responses carrying the page's marker
count: for a search, ``data-count="<n>"`` with the number of results found at discovery
(so an empty or failed search is an error, not a fast sample); for the baseline, the post's
anchor. Prints p50/p95 per page and round, then over all rounds, with the ratio search p95 /
baseline p95.

Target (issue #5): search p95 ≤ 10 × the primary-key lookup's p95.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from forum_pages import (  # noqa: E402
    Client,
    Sample,
    Target,
    free_port,
    log_in,
    measure,
    start_daphne,
)

SEARCHES = {
    "English": {"q": "minimum wage"},
    "Japanese 2-char": {"q": "賃金"},
    "Lao": {"q": "ຄ່າແຮງງານ"},
    "filtered": {"q": "wage", "lang": "en", "country": "IN", "group": "workers"},
}
TARGET_RATIO = 10.0


def search_path(params: dict[str, str]) -> str:
    return "/search/?" + urllib.parse.urlencode(params)


def discover(host: str, port: int, cookies: dict[str, str]) -> tuple[Target, list[Target]]:
    client = Client(host, port)
    client.cookies.update(cookies)
    targets = []
    baseline = None
    for name, params in SEARCHES.items():
        path = search_path(params)
        status, _h, page = client.request("GET", path)
        match = re.search(rb'id="search-count"[^>]*data-count="(\d+)"', page)
        if status != 200 or not match or int(match.group(1)) == 0:
            sys.exit(f"{path} answered {status} without results; seed and rebuild the index.")
        print(f"  {name:<16} {path}  → {int(match.group(1))} results")
        targets.append(Target(f"search: {name}", path, (b'data-count="' + match.group(1) + b'"',)))
        if baseline is None:
            first = re.search(rb'class="search-result-title"><a href="/p/(\d+)/"', page)
            if not first:
                sys.exit("No result link on the English search page.")
            pk = first.group(1).decode()
            fragment = f"/p/{pk}/fragment/"
            status, _h, body = client.request("GET", fragment)
            anchor = re.search(rb'id="post-\d+"', body)
            if status != 200 or not anchor:
                sys.exit(f"{fragment} answered {status} without a post anchor")
            baseline = Target("pk lookup (post fragment)", fragment, (anchor.group(0),))
    client.close()
    return baseline, targets


def line(name: str, s: Sample) -> str:
    errors = ", ".join(f"{k}: {v}" for k, v in sorted(s.errors.items())) or "0"
    return (
        f"  {name:<28} {s.rps:7.1f} req/s  p50 {s.pct(0.5):7.1f} ms  "
        f"p95 {s.pct(0.95):7.1f} ms  ok {s.ok:5d}  errors {errors}"
    )


def in_process(args) -> None:
    """One request at a time, in this process (Django's test client, no server, no
    queueing): the baseline and each search interleaved (baseline, search, baseline, …),
    ``--in-process`` requests each after 3 of warm-up. The baseline is the post fragment of
    the English search's first result, as in the concurrent run."""
    import os
    import statistics
    import time

    os.environ["DATABASE_URL"] = args.database_url
    os.environ["REDIS_URL"] = args.redis_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client as TestClient

    settings.ALLOWED_HOSTS = ["*"]
    client = TestClient()
    client.force_login(get_user_model().objects.get(email=args.email))

    def timed(path: str, params: dict[str, str] | None = None):
        start = time.perf_counter()
        response = client.get(path, params or {})
        elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{path} {params}: {response.status_code}")
        return elapsed, response

    def p95(values: list[float]) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    page = timed("/search/", SEARCHES["English"])[1].content
    first = re.search(rb'class="search-result-title"><a href="/p/(\d+)/"', page)
    baseline = f"/p/{int(first.group(1))}/fragment/"
    times: dict[str, list[float]] = {"baseline": []}
    found: dict[str, str] = {}
    for name, params in SEARCHES.items():
        for _ in range(3):
            timed(baseline)
            timed("/search/", params)
        times[name] = []
        for _ in range(args.in_process):
            times["baseline"].append(timed(baseline)[0])
            elapsed, response = timed("/search/", params)
            times[name].append(elapsed)
        found[name] = re.search(rb'data-count="(\d+)"', response.content).group(1).decode()
    base50, base95 = statistics.median(times["baseline"]), p95(times["baseline"])
    print(
        f"in-process, one at a time; baseline {baseline}: p50 {base50:.0f} ms p95 {base95:.0f} ms"
    )
    for name in SEARCHES:
        values = times[name]
        print(
            f"  {name:<16} found {found[name]:>6}  p50 {statistics.median(values):5.0f} ms  "
            f"p95 {p95(values):5.0f} ms  p95 ratio {p95(values) / base95:5.1f} x  "
            f"p50 ratio {statistics.median(values) / base50:5.1f} x"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", help="a running server (default: start Daphne)")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/tp_search_bench"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--email", default="wrk.in@demo.example.org")
    parser.add_argument("--password", default="tripartite-demo")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--duration", type=float, default=6.0, help="seconds per measurement")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds before each")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--in-process",
        type=int,
        metavar="N",
        help="instead: N requests per page one at a time in this process (no server)",
    )
    args = parser.parse_args()
    if args.in_process:
        in_process(args)
        return

    process = None
    if args.base_url:
        parsed = urllib.parse.urlsplit(args.base_url)
        host, port = parsed.hostname, parsed.port or 80
    else:
        host, port = "127.0.0.1", free_port()
        log_path = Path(tempfile.gettempdir()) / f"search-bench-daphne-{port}.log"
        process = start_daphne(args, port, log_path)
        print(f"Daphne on {port} (log {log_path})")
    try:
        cookies = log_in(host, port, args.email, args.password)
        baseline, targets = discover(host, port, cookies)
        totals = {t.name: Sample() for t in [baseline, *targets]}
        for round_number in range(1, args.rounds + 1):
            print(f"round {round_number}")
            for i, target in enumerate(targets):
                order = [baseline, target] if (i + round_number) % 2 else [target, baseline]
                for t in order:
                    s = measure(
                        host,
                        port,
                        cookies,
                        t,
                        concurrency=args.concurrency,
                        duration=args.duration,
                        warmup=args.warmup,
                    )
                    totals[t.name].merge(s)
                    print(line(t.name, s))
        print(f"all rounds (concurrency {args.concurrency}, {args.duration:g} s each)")
        base = totals[baseline.name]
        print(line(baseline.name, base))
        missed = False
        for target in targets:
            s = totals[target.name]
            ratio = s.pct(0.95) / base.pct(0.95)
            verdict = "meets" if ratio <= TARGET_RATIO else "MISSES"
            missed |= ratio > TARGET_RATIO
            print(
                line(target.name, s)
                + f"  p95 ratio {ratio:5.1f} x ({verdict} ≤ {TARGET_RATIO:g} x)"
            )
        sys.exit(1 if missed else 0)
    finally:
        if process is not None:
            import os
            import signal

            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)


if __name__ == "__main__":
    main()
