"""Signed unsubscribe tokens, scoped to one person and one kind (or one digest frequency).

They carry no expiry: RFC 8058 one-click links must keep working in old emails, and all a
token can do is turn one kind of email off for one person.
"""

from __future__ import annotations

from django.core import signing

SALT = "notifications.unsubscribe"
DIGEST_PREFIX = "digest."


def make_unsubscribe_token(user_id: int, scope: str) -> str:
    """``scope``: a kind's key, or ``digest.daily`` / ``digest.weekly``."""
    return signing.dumps({"u": user_id, "k": scope}, salt=SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("u"), int):
        return None
    scope = value.get("k")
    return (value["u"], scope) if isinstance(scope, str) else None
