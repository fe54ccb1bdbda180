#!/usr/bin/env python3
"""What a newcomer does first, checked against a running `python3 run.py serve`:

1. `/` answers 200 (and the stylesheet is served);
2. a demo user signs in through the real login form (CSRF cookie and token);
3. the site socket `/ws/` accepts an anonymous upgrade and closes it at once with 4401 (a
   close before accepting would reach a browser as a failed handshake, 1006, which it would
   retry for ever), accepts the signed-in one (`101 Switching Protocols`), and answers a ping
   frame with a pong.

Standard library only (it runs before anything may be installed):
    python3 .ci/smoke_serve.py http://127.0.0.1:8000 [email] [password]
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
import socket
import sys
import time
import urllib.parse
from http.cookies import SimpleCookie

EMAIL = "wrk.in@demo.example.org"
PASSWORD = "tripartite-demo"


class Fail(Exception):
    pass


class Closed(Fail):
    """The server sent a close frame (``code`` is its close code)."""

    def __init__(self, code: int | None) -> None:
        super().__init__(f"the server closed the socket (code {code})")
        self.code = code


def wait_for(base: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        try:
            status, _headers, _body = request(base, "GET", "/")
            if status == 200:
                return
            last = f"HTTP {status}"
        except OSError as exc:
            last = str(exc)
        time.sleep(1)
    raise Fail(f"{base}/ did not answer 200 within {timeout:.0f}s ({last})")


def request(
    base: str, method: str, path: str, *, body: str | None = None, headers: dict | None = None
):
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=20)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def cookies_from(headers) -> dict[str, str]:
    jar: dict[str, str] = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            parsed = SimpleCookie()
            parsed.load(value)
            jar.update({key: morsel.value for key, morsel in parsed.items()})
    return jar


def sign_in(base: str, email: str, password: str) -> dict[str, str]:
    status, headers, body = request(base, "GET", "/accounts/login/")
    if status != 200:
        raise Fail(f"GET /accounts/login/ answered {status}")
    jar = cookies_from(headers)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if "csrftoken" not in jar or match is None:
        raise Fail("the login page set no CSRF cookie or token")
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": match.group(1), "login": email, "password": password}
    )
    status, headers, _body = request(
        base,
        "POST",
        "/accounts/login/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={jar['csrftoken']}",
            "Referer": base + "/accounts/login/",
        },
    )
    jar.update(cookies_from(headers))
    if status != 302 or "sessionid" not in jar:
        raise Fail(f"signing in as {email} failed (HTTP {status}, cookies {sorted(jar)})")
    return jar


def open_socket(base: str, cookie: str | None) -> tuple[socket.socket, str]:
    url = urllib.parse.urlsplit(base)
    sock = socket.create_connection((url.hostname, url.port), timeout=20)
    key = base64.b64encode(os.urandom(16)).decode()
    lines = [
        "GET /ws/ HTTP/1.1",
        f"Host: {url.netloc}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {key}",
        "Sec-WebSocket-Version: 13",
        f"Origin: {base}",
    ]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    # Byte by byte: a frame may follow the handshake at once (the anonymous close), and it
    # must stay in the socket for read_text().
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        byte = sock.recv(1)
        if not byte:
            break
        head += byte
    return sock, head.split(b"\r\n", 1)[0].decode(errors="replace")


def send_text(sock: socket.socket, text: str) -> None:
    payload = text.encode()
    mask = os.urandom(4)
    assert len(payload) < 126
    frame = bytes([0x81, 0x80 | len(payload)]) + mask
    frame += bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    sock.sendall(frame)


def read_text(sock: socket.socket) -> str:
    def exactly(n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = sock.recv(n - len(data))
            if not chunk:
                raise Fail("the socket closed while reading a frame")
            data += chunk
        return data

    first, second = exactly(2)
    length = second & 0x7F
    if length == 126:
        length = int.from_bytes(exactly(2), "big")
    elif length == 127:
        length = int.from_bytes(exactly(8), "big")
    payload = exactly(length)
    if first & 0x0F == 0x8:
        raise Closed(int.from_bytes(payload[:2], "big") if len(payload) >= 2 else None)
    return payload.decode()


def main() -> int:
    base = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8000"
    email = sys.argv[2] if len(sys.argv) > 2 else EMAIL
    password = sys.argv[3] if len(sys.argv) > 3 else PASSWORD
    try:
        wait_for(base, float(os.environ.get("SMOKE_WAIT", "180")))
        print(f"smoke: GET {base}/ -> 200")
        status, _h, _b = request(base, "GET", "/static/css/site.css")
        if status != 200:
            raise Fail(f"/static/css/site.css answered {status}")
        print("smoke: GET /static/css/site.css -> 200")

        sock, status_line = open_socket(base, None)
        try:
            if " 101 " not in status_line:
                raise Fail(f"the anonymous WebSocket upgrade answered {status_line!r}, not 101")
            try:
                frame = read_text(sock)
            except Closed as closed:
                if closed.code != 4401:
                    raise Fail(
                        f"the anonymous socket closed with {closed.code}, not 4401"
                    ) from None
            else:
                raise Fail(f"the anonymous socket was sent {frame!r} instead of close 4401")
        finally:
            sock.close()
        print(f"smoke: anonymous upgrade -> {status_line}, then close 4401")

        jar = sign_in(base, email, password)
        print(f"smoke: signed in as {email}")
        sock, status_line = open_socket(base, f"sessionid={jar['sessionid']}")
        try:
            if " 101 " not in status_line:
                raise Fail(f"the signed-in WebSocket upgrade answered {status_line!r}")
            print(f"smoke: signed-in upgrade -> {status_line}")
            send_text(sock, json.dumps({"type": "ping"}))
            for _ in range(5):  # skip any greeting the server sends first
                message = json.loads(read_text(sock))
                if message.get("type") == "pong":
                    break
            else:
                raise Fail("no pong in answer to a ping")
            print("smoke: ping -> pong")
        finally:
            sock.close()
    except Fail as exc:
        print(f"smoke: FAILED: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
