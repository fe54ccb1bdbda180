"""A real Daphne for site-socket tests, and the smallest WebSocket client that can talk to it.

Why not ``WebsocketCommunicator``: it calls the ASGI application directly, so it cannot see
what only the server decides — that a close before ``accept()`` becomes an HTTP 403 at the
handshake, or that the WebSocket library refuses close code 1009. The server here is the
command a newcomer runs (``daphne``, with run.py's ``--websocket-max-message-size``) on a
free loopback port, against its own SQLite file prepared by ``migrate``; tests talk to it over
HTTP and WebSocket only, never through pytest-django's test database.

Standard library only, like .ci/smoke_serve.py.
"""

from __future__ import annotations

import base64
import http.client
import importlib.util
import os
import re
import socket
import struct
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 120
PASSWORD = "socket-test-password"

# Environment that would point the subprocess at shared servers or production mode.
_SCRUBBED_ENV = (
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_ENV",
    "TASK_BACKEND",
    "EMAIL_BACKEND",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_SSL_REDIRECT",
    "PYTEST_CURRENT_TEST",
)

_PREPARE = """
import sys
import django
django.setup()
from django.core.management import call_command
from accounts.services import create_user
call_command("migrate", interactive=False, verbosity=0)
for email in sys.argv[2:]:
    create_user(email=email, password=sys.argv[1], display_name=email.split("@")[0])
"""


def daphne_options() -> list[str]:
    """The message-size option run.py's ``serve()`` gives Daphne (none if it gives none): the
    server under test is configured as a newcomer's."""
    spec = importlib.util.spec_from_file_location("tripartite_run", ROOT / "run.py")
    run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run)
    return ["--websocket-max-message-size", run.WEBSOCKET_MAX_MESSAGE_BYTES]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class DaphneServer:
    url: str
    host: str
    port: int
    log_path: Path
    process: subprocess.Popen = field(repr=False)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    # --- HTTP ---------------------------------------------------------------------------

    def request(
        self, method: str, path: str, *, body: str | None = None, headers: dict | None = None
    ) -> tuple[int, list[tuple[str, str]], str]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return (
                response.status,
                response.getheaders(),
                response.read().decode("utf-8", "replace"),
            )
        finally:
            conn.close()

    def sign_in(self, email: str, password: str = PASSWORD) -> dict[str, str]:
        """Through the real login form (CSRF cookie and token); returns the cookie jar."""
        status, headers, body = self.request("GET", "/accounts/login/")
        assert status == 200, status
        jar = _cookies(headers)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        assert token and "csrftoken" in jar, "the login page set no CSRF cookie or token"
        self._post("/accounts/login/", jar, {"login": email, "password": password}, token[1])
        assert "sessionid" in jar, f"signing in as {email} set no session cookie ({sorted(jar)})"
        return jar

    def sign_out(self, jar: dict[str, str]) -> int:
        """Through the sign-out form (POST, as the page's button does)."""
        return self._post("/accounts/logout/", jar, {}, jar["csrftoken"])

    def _post(self, path: str, jar: dict[str, str], fields: dict, token: str) -> int:
        form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields})
        status, headers, _body = self.request(
            "POST",
            path,
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
                "Referer": self.url + path,
            },
        )
        jar.update(_cookies(headers))
        assert status in (200, 302), f"POST {path} answered {status}"
        return status

    # --- WebSocket ----------------------------------------------------------------------

    def open_socket(self, jar: dict[str, str] | None = None, path: str = "/ws/") -> WebSocket:
        cookie = f"sessionid={jar['sessionid']}" if jar and "sessionid" in jar else None
        return WebSocket.open(self.host, self.port, path, origin=self.url, cookie=cookie)


def _cookies(headers) -> dict[str, str]:
    jar: dict[str, str] = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            parsed = SimpleCookie()
            parsed.load(value)
            jar.update({key: morsel.value for key, morsel in parsed.items()})
    return jar


class WebSocket:
    """A client-side WebSocket over a plain socket (RFC 6455, masked frames, no extensions).

    ``status_line`` is the handshake's answer (``HTTP/1.1 101 Switching Protocols`` or a
    refusal). ``close_code()`` waits for the server's close frame and returns its code, or
    1006 if the connection ended without one (what a browser would report)."""

    def __init__(self, sock: socket.socket, status_line: str, rest: bytes) -> None:
        self.sock = sock
        self.status_line = status_line
        self.buffer = rest
        self.frames_before_close: list[tuple[int, bytes]] = []

    @classmethod
    def open(cls, host: str, port: int, path: str, *, origin: str, cookie: str | None) -> WebSocket:
        sock = socket.create_connection((host, port), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [
            f"GET {path} HTTP/1.1",
            f"Host: {host}:{port}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
            # AllowedHostsOriginValidator refuses a handshake without one.
            f"Origin: {origin}",
        ]
        if cookie:
            lines.append(f"Cookie: {cookie}")
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = sock.recv(4096)
            if not chunk:
                break
            head += chunk
        head, _, rest = head.partition(b"\r\n\r\n")
        return cls(sock, head.split(b"\r\n", 1)[0].decode(errors="replace"), rest)

    @property
    def accepted(self) -> bool:
        return " 101 " in self.status_line

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> WebSocket:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def send_text(self, text: str) -> None:
        self._send(0x1, text.encode())

    def _send(self, opcode: int, payload: bytes) -> None:
        mask = os.urandom(4)
        length = len(payload)
        if length < 126:
            header = struct.pack("!BB", 0x80 | opcode, 0x80 | length)
        elif length < 1 << 16:
            header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, length)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, length)
        # XOR with the repeated mask, fast enough for 64 KiB.
        repeated = (mask * (length // 4 + 1))[:length]
        masked = (int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")).to_bytes(
            length, "big"
        )
        try:
            self.sock.sendall(header + mask + masked)
        except OSError:
            pass  # the server may already have closed; close_code() tells what happened

    def _exactly(self, n: int, deadline: float) -> bytes | None:
        while len(self.buffer) < n:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no frame from the server in time")
            self.sock.settimeout(remaining)
            try:
                chunk = self.sock.recv(65536)
            except TimeoutError:
                raise
            except OSError:
                return None
            if not chunk:
                return None
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def read_frame(self, timeout: float) -> tuple[int, bytes] | None:
        """``(opcode, payload)`` of the next frame (server frames are unmasked), None at EOF;
        raises TimeoutError if nothing arrives within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        head = self._exactly(2, deadline)
        if head is None:
            return None
        length = head[1] & 0x7F
        if length == 126:
            raw = self._exactly(2, deadline)
            length = struct.unpack("!H", raw)[0] if raw else 0
        elif length == 127:
            raw = self._exactly(8, deadline)
            length = struct.unpack("!Q", raw)[0] if raw else 0
        payload = self._exactly(length, deadline) if length else b""
        if payload is None:
            return None
        return head[0] & 0x0F, payload

    def read_text(self, timeout: float) -> str:
        frame = self.read_frame(timeout)
        assert frame is not None and frame[0] == 0x1, f"expected a text frame, got {frame!r}"
        return frame[1].decode()

    def close_code(self, timeout: float) -> int:
        """The code of the server's close frame (text frames before it are skipped), 1006 if
        the connection dropped without one. Raises TimeoutError if it stays open."""
        deadline = time.monotonic() + timeout
        while True:
            frame = self.read_frame(max(0.0, deadline - time.monotonic()))
            if frame is None:
                return 1006
            opcode, payload = frame
            if opcode == 0x8:
                return struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
            self.frames_before_close.append(frame)


@contextmanager
def daphne_server(tmp: Path, emails: list[str]) -> Iterator[DaphneServer]:
    """Migrate a fresh SQLite file in ``tmp``, create verified accounts for ``emails``
    (password ``PASSWORD``), and serve the ASGI application with Daphne on a free port."""
    env = os.environ.copy()
    for name in _SCRUBBED_ENV:
        env.pop(name, None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SQLITE_PATH": str(tmp / "db.sqlite3"),
            "MEDIA_ROOT": str(tmp / "media"),
            "DEBUG": "1",
            "TRIPARTITE_TESTING": "1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    prepared = subprocess.run(
        [sys.executable, "-c", _PREPARE, PASSWORD, *emails],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if prepared.returncode != 0:
        raise RuntimeError(f"migrate failed:\n{prepared.stdout}\n{prepared.stderr}")

    port = _free_port()
    log_path = tmp / "daphne.log"
    command = [
        sys.executable,
        "-m",
        "daphne",
        "-b",
        "127.0.0.1",
        "-p",
        str(port),
        *daphne_options(),
        "config.asgi:application",
    ]
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = DaphneServer(
        url=f"http://127.0.0.1:{port}",
        host="127.0.0.1",
        port=port,
        log_path=log_path,
        process=process,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"Daphne exited with {process.returncode}:\n{server.log()}")
            try:
                server.request("GET", "/healthz/")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Daphne did not answer in {START_TIMEOUT_S}s") from None
                time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
