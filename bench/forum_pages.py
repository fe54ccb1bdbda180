#!/usr/bin/env python
"""Forum page benchmark: the space thread list and a 550-post thread (first and last page),
each beside the trivial ``/healthz/`` page for the same signed-in user, against Daphne with
production settings. Standard library only.

    # once: bench/seed_forums.py (see its docstring), then
    .venv/bin/python bench/forum_pages.py \\
        --database-url postgres://postgres@127.0.0.1:5432/tripartite_bench \\
        --redis-url redis://127.0.0.1:6379/0

It starts Daphne itself (``DJANGO_ENV=production``, ``DEBUG=0``, a throwaway ``SECRET_KEY``,
no page cache — the project has no cache middleware), unless ``--base-url`` points at a
running server. Requests carry ``X-Forwarded-Proto: https`` (what nginx sends; production
settings redirect plain HTTP otherwise) and the session cookie of a demo member without a
two-factor requirement (``wrk.in@demo.example.org``).

Method: for each of three rounds, for each page, the baseline and the page are measured one
after the other (the order alternates between rounds, so drift of a shared machine falls on
both), each for ``--duration`` seconds with ``--concurrency`` client threads on keep-alive
connections. Only 200 responses whose body carries the page's marker count (the thread title;
the post anchor of the first/last post of the page; the baseline's constant text); anything
else is reported as an error and not timed. Prints requests/s, p50 and p99 per page and per
round, and the ratios page rps / baseline rps and page p99 / baseline p99.

Targets (issue #3): thread page ≥ 0.25 × baseline rps and p99 ≤ 4 × baseline p99.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
DAPHNE = ROOT / ".venv" / "bin" / "daphne"

LONG_THREAD_TITLE = "Benchmark long thread: minimum wage review 2026"  # bench/seed_forums.py
BASELINE_PATH = "/healthz/"
BASELINE_MARKER = b"tripartite ok"  # config.views.HEALTHZ_TEXT


# --- A tiny HTTP client: cookies by hand (the session cookie is Secure, and we speak plain
# HTTP to Daphne as nginx does, so http.cookiejar would never send it back) -------------------


class Client:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {
            "Host": f"{self.host}:{self.port}",
            "X-Forwarded-Proto": "https",
            "Accept-Language": "en",
            "User-Agent": "tripartite-bench",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.update(extra or {})
        return headers

    def request(self, method: str, path: str, body: bytes | None = None,
                extra: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.conn.request(method, path, body=body, headers=self.headers(extra))
                response = self.conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionError, BrokenPipeError):
                # The server closed a kept-alive connection: reconnect once.
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
                continue
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            if response.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = None
            return response.status, dict(response.getheaders()), data
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


def log_in(host: str, port: int, email: str, password: str) -> dict[str, str]:
    client = Client(host, port)
    status, _h, page = client.request("GET", "/accounts/login/")
    if status != 200:
        sys.exit(f"GET /accounts/login/ answered {status}")
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not match:
        sys.exit("No CSRF token on the login page.")
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": match.group(1).decode(), "login": email, "password": password}
    ).encode()
    origin = f"https://{host}:{port}"
    status, headers, _b = client.request(
        "POST",
        "/accounts/login/",
        body=form,
        extra={
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": origin,
            "Referer": origin + "/accounts/login/",
        },
    )
    if status != 302 or "sessionid" not in client.cookies:
        sys.exit(f"Login failed for {email} (status {status}); was the demo loaded with DEBUG on?")
    client.close()
    return dict(client.cookies)


# --- Measurement --------------------------------------------------------------------------------


@dataclass
class Target:
    name: str
    path: str
    markers: tuple[bytes, ...]


@dataclass
class Sample:
    ok: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def rps(self) -> float:
        return self.ok / self.elapsed if self.elapsed else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    def merge(self, other: Sample) -> None:
        self.ok += other.ok
        self.elapsed += other.elapsed
        self.latencies.extend(other.latencies)
        for k, v in other.errors.items():
            self.errors[k] = self.errors.get(k, 0) + v


def measure(host: str, port: int, cookies: dict[str, str], target: Target, *, concurrency: int,
            duration: float, warmup: float) -> Sample:
    sample = Sample()
    lock = threading.Lock()
    start_at = time.perf_counter() + warmup
    stop_at = start_at + duration

    def worker() -> None:
        client = Client(host, port)
        client.cookies.update(cookies)
        ok, errors, latencies = 0, {}, []
        while True:
            t0 = time.perf_counter()
            if t0 >= stop_at:
                break
            try:
                status, _h, data = client.request("GET", target.path)
                reason = None
                if status != 200:
                    reason = f"status {status}"
                elif not all(m in data for m in target.markers):
                    reason = "marker missing"
            except (OSError, http.client.HTTPException) as error:
                reason = type(error).__name__
                client.close()
                client.conn = None
            t1 = time.perf_counter()
            if t0 < start_at:
                continue  # warm-up: connections open, caches of the process warm
            if t1 > stop_at:
                break  # finished after the window: neither counted nor timed
            if reason is None:
                ok += 1
                latencies.append(t1 - t0)
            else:
                errors[reason] = errors.get(reason, 0) + 1
        client.close()
        with lock:
            sample.ok += ok
            sample.latencies.extend(latencies)
            for k, v in errors.items():
                sample.errors[k] = sample.errors.get(k, 0) + v

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sample.elapsed = duration
    return sample


# --- Server -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(args) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_ENV="production",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=args.database_url,
        REDIS_URL=args.redis_url,
        CACHE_PREFIX="tripartite-bench",
        CHANNEL_PREFIX="tripartite-bench",
    )
    return env


def start_daphne(args, port: int, log_path: Path) -> subprocess.Popen:
    env = production_env(args)
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        # The manifest storage of production settings needs collected static files.
        subprocess.run([str(PYTHON), "manage.py", "collectstatic", "--noinput", "-v0"],
                       cwd=ROOT, env=env, check=True)
    log = open(log_path, "wb")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [str(DAPHNE), "--proxy-headers", "-b", "127.0.0.1", "-p", str(port),
         "--application-close-timeout", "20",
         # As deploy/tripartite-daphne@.service: just above the socket's 64 KiB limit.
         "--websocket-max-message-size", "66560", "config.asgi:application"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"Daphne exited ({process.returncode}); see {log_path}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    sys.exit(f"Daphne did not listen on {port} within 60 s; see {log_path}")


# --- Discovery of the pages -----------------------------------------------------------------


def discover(host: str, port: int, cookies: dict[str, str], space: str) -> list[Target]:
    client = Client(host, port)
    client.cookies.update(cookies)
    list_path = f"/s/{space}/threads/"
    status, _h, page = client.request("GET", list_path)
    title = LONG_THREAD_TITLE.encode()
    if status != 200 or title not in page:
        sys.exit(f"{list_path} answered {status} without the long thread; seed first.")
    match = re.search(rb'href="(/t/\d+/)">' + re.escape(title), page)
    if not match:
        sys.exit("Could not find the long thread's link on the list.")
    thread_path = match.group(1).decode()
    status, _h, first = client.request("GET", thread_path)
    if status != 200:
        sys.exit(f"{thread_path} answered {status}")
    per_page = len(re.findall(rb'id="post-(\d+)"', first))
    # The page links show only neighbours; a page number past the end is clamped to the last
    # page, whose highest post number gives the number of pages.
    status, _h, beyond = client.request("GET", f"{thread_path}?page=1000000")
    highest = max(int(n) for n in re.findall(rb'id="post-(\d+)"', beyond))
    last = -(-highest // per_page)
    status, _h, last_page = client.request("GET", f"{thread_path}?page={last}")
    numbers = [int(n) for n in re.findall(rb'id="post-(\d+)"', last_page)]
    if status != 200 or not numbers:
        sys.exit(f"{thread_path}?page={last} answered {status} without posts")
    status, _h, base = client.request("GET", BASELINE_PATH)
    if status != 200 or BASELINE_MARKER not in base:
        sys.exit(f"{BASELINE_PATH} answered {status} without its marker")
    client.close()
    return [
        Target("thread list", list_path, (title,)),
        Target("thread page 1", thread_path, (title, b'id="post-1"')),
        Target(f"thread page {last} (last)", f"{thread_path}?page={last}",
               (title, f'id="post-{max(numbers)}"'.encode())),
    ]


# --- Report -------------------------------------------------------------------------------------


def row(name: str, s: Sample) -> str:
    errors = ", ".join(f"{k}: {v}" for k, v in sorted(s.errors.items())) or "0"
    return (f"  {name:<28} {s.rps:8.1f} req/s  p50 {s.pct(0.5):7.1f} ms  p99 {s.pct(0.99):7.1f} ms"
            f"  ok {s.ok:6d}  errors {errors}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", help="a running server (default: start Daphne)")
    parser.add_argument("--database-url",
                        default="postgres://postgres@127.0.0.1:5432/tripartite_bench")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--email", default="wrk.in@demo.example.org")
    parser.add_argument("--password", default="tripartite-demo")
    parser.add_argument("--space", default="india-dialogue")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measurement")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds before each")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    daphne = None
    if args.base_url:
        parsed = urllib.parse.urlsplit(args.base_url)
        host, port = parsed.hostname or "127.0.0.1", parsed.port or 80
    else:
        host, port = "127.0.0.1", free_port()
        log_path = Path(tempfile.gettempdir()) / f"bench-daphne-{port}.log"
        daphne = start_daphne(args, port, log_path)
        print(f"Daphne (production settings) on {host}:{port}, pid {daphne.pid}, log {log_path}")
    try:
        cookies = log_in(host, port, args.email, args.password)
        targets = discover(host, port, cookies, args.space)
        baseline = Target("baseline /healthz/", BASELINE_PATH, (BASELINE_MARKER,))
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"load average (1/5/15 min) at start: {load}; {os.cpu_count()} CPUs")
        print(f"signed in as {args.email}; {args.concurrency} clients, {args.duration:g} s per "
              f"measurement after {args.warmup:g} s warm-up, {args.rounds} rounds")
        totals = {t.name: (Sample(), Sample()) for t in targets}  # (page, its baselines)
        per_round: dict[str, list[tuple[float, float]]] = {t.name: [] for t in targets}
        for r in range(1, args.rounds + 1):
            print(f"round {r}")
            for target in targets:
                pair = (baseline, target) if r % 2 else (target, baseline)
                results = {}
                for t in pair:
                    results[t.name] = measure(host, port, cookies, t, concurrency=args.concurrency,
                                              duration=args.duration, warmup=args.warmup)
                page, base = results[target.name], results[baseline.name]
                print(row(baseline.name, base))
                print(row(target.name, page))
                rps_ratio = page.rps / base.rps if base.rps else float("nan")
                p99_ratio = page.pct(0.99) / base.pct(0.99)
                print(f"  {'':<28} ratio rps {rps_ratio:.2f}×  p99 {p99_ratio:.2f}×")
                per_round[target.name].append((rps_ratio, p99_ratio))
                totals[target.name][0].merge(page)
                totals[target.name][1].merge(base)
        print("\nall rounds (pooled)")
        print(f"  {'page':<28} {'rps':>8} {'p50 ms':>8} {'p99 ms':>8} | {'base rps':>8} "
              f"{'base p99':>8} | {'rps ratio':>9} {'p99 ratio':>9} | per-round rps / p99 ratios")
        verdicts = []
        for target in targets:
            page, base = totals[target.name]
            rps_ratio = page.rps / base.rps if base.rps else float("nan")
            p99_ratio = page.pct(0.99) / base.pct(0.99)
            rounds = "  ".join(f"{a:.2f}/{b:.2f}" for a, b in per_round[target.name])
            print(f"  {target.name:<28} {page.rps:8.1f} {page.pct(0.5):8.1f} {page.pct(0.99):8.1f} | "
                  f"{base.rps:8.1f} {base.pct(0.99):8.1f} | {rps_ratio:8.2f}× {p99_ratio:8.2f}× | "
                  f"{rounds}")
            errors = sum(page.errors.values()) + sum(base.errors.values())
            if target.name.startswith("thread page"):
                verdicts.append(
                    f"  {target.name}: rps ≥ 0.25× baseline: "
                    f"{'met' if rps_ratio >= 0.25 else 'MISSED'} ({rps_ratio:.2f}×); "
                    f"p99 ≤ 4× baseline: {'met' if p99_ratio <= 4 else 'MISSED'} "
                    f"({p99_ratio:.2f}×); errors {errors}"
                )
        print("load average at end: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
        print("\ntargets (issue #3)")
        print("\n".join(verdicts))
    finally:
        if daphne is not None:
            os.killpg(daphne.pid, signal.SIGTERM)
            try:
                daphne.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(daphne.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
