"""The site socket listens to the layers below it (Django's auth, allauth): signing out, a
password change or reset close the sockets that the change left without a valid session.
Side effects only, sent after commit (``dialogue.realtime``); accounts never imports dialogue.
Connected in ``DialogueConfig.ready()``."""

from __future__ import annotations

from typing import Any

from dialogue.realtime import close_session_sockets_on_commit, close_stale_sessions_on_commit


def on_user_logged_out(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    """Django's ``user_logged_out`` (allauth and the admin sign out through it) is sent
    before the session is flushed, so its key still names the sockets to close."""
    session = getattr(request, "session", None)
    close_session_sockets_on_commit(getattr(session, "session_key", None))


def on_password_changed(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    """allauth's ``password_changed``, ``password_reset`` and ``password_set``."""
    if user is not None and getattr(user, "pk", None) is not None:
        close_stale_sessions_on_commit(user)


def on_user_saved(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    """Every Django path that changes a password (the admin's password change, Django's
    password views, ``manage.py changepassword``, allauth's adapter) goes through
    ``set_password()`` then ``save()``; ``AbstractBaseUser`` keeps the new raw password in
    ``_password`` until ``save()`` has returned, so ``post_save`` sees it set exactly when the
    password changed (tests/dialogue/test_session_sockets.py pins this to Django's
    behaviour)."""
    if not created and getattr(instance, "_password", None) is not None:
        close_stale_sessions_on_commit(instance)


def connect() -> None:
    from allauth.account import signals as allauth_signals
    from django.contrib.auth import get_user_model
    from django.contrib.auth.signals import user_logged_out
    from django.db.models.signals import post_save

    user_logged_out.connect(on_user_logged_out, dispatch_uid="dialogue.sockets.logged_out")
    for name in ("password_changed", "password_reset", "password_set"):
        getattr(allauth_signals, name).connect(
            on_password_changed, dispatch_uid=f"dialogue.sockets.{name}"
        )
    post_save.connect(
        on_user_saved, sender=get_user_model(), dispatch_uid="dialogue.sockets.user_saved"
    )
