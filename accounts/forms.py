"""Forms for the people pages. They only parse input; the services decide and write."""

from __future__ import annotations

import zoneinfo
from itertools import groupby

from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.account.internal.flows.login import record_authentication
from allauth.core import context
from allauth.mfa.totp.forms import ActivateTOTPForm as AllauthActivateTOTPForm
from django import forms
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext_lazy as _

from accounts.models import Constituency, Organization, User


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=120,
        required=False,
        help_text=_(
            "How other people see you. Leave empty to use the first part of your email address."
        ),
    )
    handle = forms.CharField(
        label=_("Handle"),
        max_length=30,
        required=False,  # left empty: the current handle stays
        help_text=_(
            "Others type @ and your handle to mention you in a post. 3 to 30 characters: "
            "letters A–Z, digits, “_”, “.” or “-”."
        ),
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=settings.LANGUAGES,
        help_text=_("Pages and emails are shown in this language."),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        help_text=_("Dates and times are shown in this time zone."),
    )
    gender = forms.ChoiceField(
        label=_("Gender (optional)"),
        choices=[("", _("Prefer not to say"))] + list(User.Gender.choices),
        required=False,
        help_text=_(
            "Never shown on your profile. Used only in aggregate figures on the balance "
            "between groups and genders in meetings and events."
        ),
    )

    def clean_handle(self) -> str | None:
        return self.cleaned_data["handle"].strip().lstrip("@") or None


def grouped_organization_choices(
    organizations: list[Organization],
) -> list[tuple[str, list[tuple[int, str]]]]:
    """Organizations grouped under "Country — group" headings (international bodies last)."""

    order = {value: index for index, value in enumerate(Constituency.values)}

    def key(org: Organization) -> tuple[bool, str, int]:
        # Countries by name, international bodies last; within a country the groups in their
        # usual order (government, employers, workers, then observers and the secretariat).
        return (
            org.country is None,
            org.country.name if org.country else "",
            order[org.constituency],
        )

    choices = [("", _("Choose an organization"))]
    labels = dict(Constituency.choices)
    ordered = sorted(organizations, key=lambda o: (*key(o), o.name))
    for (_none, country_name, index), orgs in groupby(ordered, key=key):
        constituency = Constituency.values[index]
        country = country_name or _("International")
        heading = _("%(country)s — %(group)s") % {"country": country, "group": labels[constituency]}
        choices.append((str(heading), [(org.pk, str(org)) for org in orgs]))
    return choices


class AffiliationRequestForm(forms.Form):
    organization = forms.TypedChoiceField(label=_("Organization"), coerce=int)
    job_title = forms.CharField(label=_("Job title"), max_length=150, required=False)
    message = forms.CharField(
        label=_("Message to the focal point (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Help the focal point recognise you, for example your department."),
    )

    def __init__(self, *args, organizations: list[Organization], **kwargs):
        super().__init__(*args, **kwargs)
        self.organizations = {org.pk: org for org in organizations}
        self.fields["organization"].choices = grouped_organization_choices(organizations)

    def clean_organization(self) -> Organization:
        pk = self.cleaned_data["organization"]
        try:
            return self.organizations[pk]
        except KeyError:
            raise forms.ValidationError(_("Choose an organization from the list.")) from None


class ReasonForm(forms.Form):
    """A decision that must be explained (reject, revoke, remove, deactivate)."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The person concerned and the audit log see this."),
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give a reason."))
        return reason


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=2000, required=False)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Colleague's email address"))
    language = forms.ChoiceField(
        label=_("Language of the invitation email"),
        choices=settings.LANGUAGES,
    )
    organization = forms.TypedChoiceField(label=_("Organization"), coerce=int, required=False)

    def __init__(self, *args, organizations: list[Organization] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organizations = {org.pk: org for org in organizations or []}
        if len(self.organizations) > 1:
            self.fields["organization"].required = True
            self.fields["organization"].choices = grouped_organization_choices(
                list(self.organizations.values())
            )
        else:
            del self.fields["organization"]

    def clean_organization(self) -> Organization:
        try:
            return self.organizations[self.cleaned_data["organization"]]
        except KeyError:
            raise forms.ValidationError(_("Choose an organization from the list.")) from None

    def chosen_organization(self) -> Organization | None:
        if "organization" in self.cleaned_data:
            return self.cleaned_data["organization"]
        return next(iter(self.organizations.values()), None)


class ActivateTOTPForm(AllauthActivateTOTPForm):
    """allauth's TOTP activation form (``MFA_FORMS["activate_totp"]``), which also records the
    code the person just entered as this session's second factor.

    allauth records nothing when an authenticator is activated, so without this the
    two-factor middleware would sign a person out right after they enrolled (their session
    only has the password step). Entering a valid code for the new authenticator is exactly
    the proof a sign-in's code step gives.
    """

    def clean_code(self) -> str:
        code = super().clean_code()
        record_authentication(context.request, self.user, "mfa", type="totp", activated=True)
        return code


# --- Sign-up (allauth's form, through ACCOUNT_FORMS) -----------------------------------------


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form, doing the same work for an address that already has an account.

    With ACCOUNT_PREVENT_ENUMERATION (allauth's default) a known address gets the same answer
    as a new one and an "account already exists" email instead of a confirmation; but only a
    new account's password was hashed, so a known address answered many times faster (no
    hash at all: bench/signup_timing.py). Hash the password here too and throw the hash away:
    both paths then cost one hash and one email.
    """

    def try_save(self, request):
        password = self.cleaned_data.get("password1")
        if self.account_already_exists and password:
            make_password(password)
        return super().try_save(request)
