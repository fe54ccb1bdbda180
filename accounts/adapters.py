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
