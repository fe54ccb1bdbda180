"""The site socket through a real Daphne (tests/dialogue/daphne_server.py): what a browser sees
when it signs out, sends an oversize frame, or connects without signing in. These are the
server's decisions (handshake refusals, close codes the WebSocket library accepts), which
``WebsocketCommunicator`` cannot observe."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.dialogue.daphne_server import DaphneServer, daphne_server

pytestmark = pytest.mark.timeout(240)

MEMBER = "socket-member@example.org"
# Generous (two shared cores); only a failing test waits this long.
PROMPTLY = 10


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DaphneServer]:
    with daphne_server(tmp_path_factory.mktemp("socket-server"), [MEMBER]) as running:
        yield running


@pytest.fixture(autouse=True)
def _no_server_errors(server: DaphneServer) -> Iterator[None]:
    """A close code can look right while Daphne logged a traceback: fail on one."""
    start = server.log_path.stat().st_size
    yield
    with server.log_path.open(errors="replace") as log:
        log.seek(start)
        new = log.read()
    assert "Traceback (most recent call last)" not in new, new[-4000:]


def ping(socket) -> dict:
    socket.send_text(json.dumps({"type": "ping"}))
    return json.loads(socket.read_text(PROMPTLY))


def test_signing_out_closes_the_sessions_open_socket_at_once_and_leaves_other_sessions_open(
    server,
):
    signing_out = server.sign_in(MEMBER)
    other_browser = server.sign_in(MEMBER)
    with server.open_socket(signing_out) as tab, server.open_socket(other_browser) as elsewhere:
        assert tab.accepted and elsewhere.accepted, (tab.status_line, elsewhere.status_line)
        assert ping(tab) == {"type": "pong"}

        server.sign_out(signing_out)

        # No ping needed: the sign-out itself closes the socket, with the final "signed out".
        assert tab.close_code(PROMPTLY) == 4401
        assert ping(elsewhere) == {"type": "pong"}


def test_a_frame_over_64_kib_closes_the_socket_with_4009_not_a_server_error(server):
    jar = server.sign_in(MEMBER)
    with server.open_socket(jar) as socket:
        assert socket.accepted, socket.status_line
        socket.send_text(json.dumps({"type": "ping", "padding": "x" * (64 * 1024)}))
        assert socket.close_code(PROMPTLY) == 4009


def test_an_anonymous_socket_is_accepted_then_closed_with_4401_so_the_browser_stops_retrying(
    server,
):
    with server.open_socket(None) as socket:
        # Refused at the handshake (403), a browser would only see 1006 and retry for ever.
        assert socket.accepted, socket.status_line
        assert socket.close_code(PROMPTLY) == 4401
        assert socket.frames_before_close == []
