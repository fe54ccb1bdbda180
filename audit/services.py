"""Record an action in the audit log. Every moderator, focal-point and staff action calls this."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from audit.models import AuditEntry


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    # Behind the reverse proxy (deploy/) the proxy sets X-Real-IP; REMOTE_ADDR otherwise.
    ip = request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR")
    return ip or None


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
