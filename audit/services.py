"""Record an action in the audit log. Every moderator, focal-point and staff action calls this."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.db import models
from django.http import HttpRequest

from audit.models import AuditEntry


def _address(value: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None


def client_ip(request: HttpRequest | None) -> str | None:
    """The address the request came from.

    Behind the reverse proxy (deploy/: nginx on loopback or the private network) the proxy
    overwrites X-Real-IP with the visitor's address. The header is believed only when the peer
    is such a proxy: a visitor reaching Daphne directly (the embedded default) could otherwise
    write any address into the audit log."""
    if request is None:
        return None
    peer = _address(request.META.get("REMOTE_ADDR"))
    if peer is None:
        return None
    if peer.is_loopback or peer.is_private:
        forwarded = _address(request.META.get("HTTP_X_REAL_IP"))
        if forwarded is not None:
            return str(forwarded)
    return str(peer)


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    space: Any = None,
    organization: Any = None,
    reason: str = "",
    details: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    ip_address: str | None = None,
) -> AuditEntry:
    """Append one entry. Call inside the transaction that performs the action, so the entry
    exists exactly when the action does."""
    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if is_person else None,
        actor_label=str(actor) if is_person else "system",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:300] if target is not None else "",
        space=space,
        organization=organization,
        reason=reason,
        details=details or {},
        ip_address=ip_address or client_ip(request),
    )
