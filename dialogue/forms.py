"""Forms for the dialogue pages. They parse input only; the services decide and write."""

from __future__ import annotations

import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.actions import action_label
from dialogue.models import Membership, Space
from dialogue.selectors import caucuses_by_name


class PersonByEmailField(forms.EmailField):
    """An email address resolved to an active account.

    Addresses are not public, so a form that lets moderators type one gives, for "no such
    account", the very message its service gives for an ineligible person (``unknown``):
    the form then tells no more than the service's own eligibility check would."""

    default_error_messages = {
        "unknown": _("No active account uses this email address."),
    }

    def __init__(self, *args, unknown: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if unknown is not None:
            self.error_messages["unknown"] = unknown

    def clean(self, value):
        email = super().clean(value)
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown")
        return user


class RequestToJoinForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the moderators (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RejectRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=1000,
    )


class RemoveMemberForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000)


class SetRoleForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            (Membership.Role.MEMBER, Membership.Role.MEMBER.label),
            (Membership.Role.MODERATOR, Membership.Role.MODERATOR.label),
        ],
    )


class InviteForm(forms.Form):
    person = PersonByEmailField(
        label=_("Email address of the person to invite"),
        # dialogue.services.invite_to_space's refusal, word for word.
        unknown=_("This person is not eligible for this space."),
    )


class AdviserForm(forms.Form):
    person = PersonByEmailField(
        label=_("Email address of the secretariat staff member"),
        # dialogue.services.admit_adviser's refusal, word for word.
        unknown=_("Only verified secretariat staff can be caucus advisers."),
    )


class InvitationResponseForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("decline", _("Decline"))],
    )


class CaucusChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Space) -> str:
        # Staff see a caucus's name and nothing else of it.
        return obj.name


class CaucusModeratorForm(forms.Form):
    caucus = CaucusChoiceField(
        label=_("Caucus"), queryset=Space.objects.none(), empty_label=_("Choose a caucus")
    )
    person = PersonByEmailField(label=_("Email address of the first moderator"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caucus"].queryset = caucuses_by_name()


class CountryForm(forms.Form):
    code = forms.CharField(
        label=_("ISO country code"),
        min_length=2,
        max_length=2,
        help_text=_("Two letters, for example TH."),
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    time_zone = forms.CharField(
        label=_("Time zone"), max_length=64, help_text=_("For example Asia/Bangkok.")
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].upper()
        if not code.isalpha():
            raise forms.ValidationError(_("Use two letters."))
        return code

    def clean_time_zone(self) -> str:
        value = self.cleaned_data["time_zone"].strip()
        if value not in zoneinfo.available_timezones():
            raise forms.ValidationError(_("This is not a known time zone."))
        return value


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)

    def __init__(self, *args, actions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All actions"))] + sorted(
            ((a, action_label(a)) for a in actions), key=lambda choice: choice[1]
        )
