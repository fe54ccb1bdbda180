from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation

from accounts.models import handle_for


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up records the interface language as the person's preferred language and gives
    the person a handle."""

    def save_user(self, request, user, form, commit=True):
        user.preferred_language = translation.get_language() or "en"
        user = super().save_user(request, user, form, commit=False)
        # Everyone gets a handle at sign-up (others mention them with it); editable later.
        if not user.handle:
            user.handle = handle_for(user.display_name, user.email)
        if commit:
            user.save()
        return user

    # --- Sign-in rate limits ---------------------------------------------------------------
    # allauth's ``login_failed`` limit is "10/m/ip,5/5m/key", and its key is the account
    # alone: five wrong passwords from anywhere would lock the owner out everywhere. Keying it
    # on (address, account) keeps the per-account part from letting one address lock out the
    # owner elsewhere; the per-address part still bounds each address.

    def get_client_ip(self, request) -> str:
        """The address the audit log records (``audit.services.client_ip``): the peer, or the
        proxy's X-Real-IP when the peer is our loopback/private proxy. X-Forwarded-For is never
        believed (allauth would only with ALLAUTH_TRUSTED_PROXY_COUNT set)."""
        from audit.services import client_ip

        return client_ip(request) or super().get_client_ip(request)

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # allauth's own helper: the address as its per-address limit counts it (an IPv6
        # address stands for its /64).
        from allauth.core.internal.ratelimit import get_ip

        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{get_ip(request)}:{account}"
