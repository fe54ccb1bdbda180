"""A small HTTP client for tests against a real server (pytest-django's ``live_server``).

It keeps cookies, sends the CSRF token back with every POST as a browser form would, never
follows redirects by itself, and can connect from another loopback address
(``source="127.0.0.2"``): the whole 127.0.0.0/8 block is local on Linux, so the server sees a
different ``REMOTE_ADDR`` — a second person on another connection.
"""

from __future__ import annotations

import http.client
import re
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urljoin, urlsplit


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    text: str

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class LiveClient:
    def __init__(
        self, base_url: str, *, source: str = "127.0.0.1", language: str | None = None
    ) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.source = source
        self.language = language
        self.cookies: dict[str, str] = {}

    def get(self, path: str) -> Answer:
        return self._send("GET", path)

    def post(self, path: str, data: dict[str, str]) -> Answer:
        form = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **data}
        return self._send("POST", path, urlencode(form))

    def follow(self, answer: Answer, path: str, *, limit: int = 10) -> tuple[Answer, str]:
        """Follow ``answer``'s redirects (GET) to the final page; returns it and its path."""
        for _ in range(limit):
            if answer.status not in (301, 302, 303):
                return answer, path
            path = urljoin(path, answer.location)
            answer = self.get(path)
        raise AssertionError(f"too many redirects, last {path}")

    def _send(self, method: str, path: str, body: str | None = None) -> Answer:
        connection = http.client.HTTPConnection(
            self.host, self.port, timeout=30, source_address=(self.source, 0)
        )
        headers = {"Host": f"{self.host}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.language:
            headers["Accept-Language"] = self.language
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Answer(response.status, response.headers, text)


def html_lang(text: str) -> str | None:
    match = re.search(r'<html lang="([^"]+)"', text)
    return match.group(1) if match else None
