"""The audit log records who acted and from which address — an address a visitor cannot forge."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from audit.models import AuditEntry
from audit.services import client_ip, record

pytestmark = pytest.mark.django_db


def request_from(remote_addr: str, **headers):
    return RequestFactory().post("/", REMOTE_ADDR=remote_addr, **headers)


def test_the_address_is_the_peer_s_when_no_proxy_speaks_for_it():
    assert client_ip(request_from("93.184.216.34")) == "93.184.216.34"


def test_a_visitor_cannot_forge_their_address_with_an_x_real_ip_header():
    # Without the reverse proxy in front (the embedded default, or a misrouted request), the
    # header comes from the visitor themselves.
    forged = request_from("93.184.216.34", HTTP_X_REAL_IP="1.1.1.1")
    assert client_ip(forged) == "93.184.216.34"


@pytest.mark.parametrize("proxy", ["127.0.0.1", "::1", "10.0.0.5", "192.168.1.2"])
def test_the_reverse_proxy_s_x_real_ip_is_recorded(proxy):
    # deploy/: nginx on loopback or the private network overwrites X-Real-IP.
    assert client_ip(request_from(proxy, HTTP_X_REAL_IP="8.8.8.8")) == "8.8.8.8"


def test_a_malformed_x_real_ip_is_ignored():
    assert client_ip(request_from("127.0.0.1", HTTP_X_REAL_IP="not an address")) == "127.0.0.1"


def test_record_stores_the_request_s_address(world):
    entry = record(
        actor=world.user("staff"),
        action="test.action",
        request=request_from("93.184.216.34", HTTP_X_REAL_IP="1.1.1.1"),
    )
    assert AuditEntry.objects.get(pk=entry.pk).ip_address == "93.184.216.34"
