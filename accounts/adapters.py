from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up records the interface language as the person's preferred language."""

    def save_user(self, request, user, form, commit=True):
        user.preferred_language = translation.get_language() or "en"
        return super().save_user(request, user, form, commit=commit)
