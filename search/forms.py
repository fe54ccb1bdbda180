"""The search form: a GET form whose every filter is checked against what the searcher may
see. A space, tag or person the searcher may not see is refused with the same message as one
that does not exist."""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Constituency, Country, User
from accounts.permissions import can_see_people
from dialogue.permissions import readable_spaces
from forums.permissions import visible_tags
from search.text import MAX_QUERY_LENGTH, parse_query


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search for"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        strip=True,
        error_messages={
            "max_length": _("Please shorten your search to %(limit_value)d characters or fewer.")
        },
    )
    space = forms.ModelChoiceField(
        label=_("Space"),
        queryset=None,
        required=False,
        to_field_name="slug",
        empty_label=_("All my spaces"),
        error_messages={"invalid_choice": _("There is no such space among those you can read.")},
    )
    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.order_by("name"),
        required=False,
        to_field_name="code",
        empty_label=_("Any country"),
        error_messages={"invalid_choice": _("There is no such country.")},
    )
    group = forms.ChoiceField(
        label=_("Author's group"),
        choices=[("", _("Any group")), *Constituency.choices],
        required=False,
        error_messages={"invalid_choice": _("There is no such group.")},
    )
    lang = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("Any language")), *settings.LANGUAGES],
        required=False,
        error_messages={"invalid_choice": _("There is no such language.")},
    )
    tag = forms.SlugField(
        label=_("Tag"),
        required=False,
        max_length=100,
        error_messages={"invalid": _("A tag is written with letters, digits and hyphens.")},
    )
    date_from = forms.DateField(
        label=_("Written from"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("Enter a date such as 2026-03-31.")},
    )
    date_to = forms.DateField(
        label=_("Written until"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("Enter a date such as 2026-03-31.")},
    )
    author = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, user, data=None):
        super().__init__(data)
        self.user = user
        self.fields["space"].queryset = readable_spaces(user).order_by("name")

    def add_prefix(self, field_name: str) -> str:
        # The public parameter names are "from" and "to" (Python keywords as field names).
        return {"date_from": "from", "date_to": "to"}.get(field_name, field_name)

    def clean_tag(self):
        slug = self.cleaned_data["tag"]
        if not slug:
            return None
        tag = visible_tags(self.user).filter(slug=slug).first()
        if tag is None:
            raise forms.ValidationError(
                _("No thread you can read carries the tag “%(tag)s”."), params={"tag": slug}
            )
        return tag

    def clean_author(self):
        pk = self.cleaned_data["author"]
        if pk is None:
            return None
        person = (
            User.objects.filter(pk=pk, is_active=True).first()
            if can_see_people(self.user)
            else None
        )
        if person is None:
            raise forms.ValidationError(_("Filtering by person is not available here."))
        return person

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    # --- What the view needs -----------------------------------------------------------------

    @property
    def parsed(self):
        return parse_query(self.cleaned_data.get("q") or "")

    def filters(self) -> dict[str, object]:
        data = self.cleaned_data
        tz = timezone.get_current_timezone()

        def start_of(day: datetime.date | None):
            if day is None:
                return None
            return datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)

        end = data.get("date_to")
        return {
            "space": data.get("space"),
            "country": data.get("country"),
            "tag": data.get("tag"),
            "author": data.get("author"),
            "group": data.get("group") or None,
            "language": data.get("lang") or None,
            "created_from": start_of(data.get("date_from")),
            "created_before": start_of(end + datetime.timedelta(days=1)) if end else None,
        }

    def has_any(self) -> bool:
        return not self.parsed.is_empty or any(v is not None for v in self.filters().values())
