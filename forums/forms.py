from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from forums import attachments as attachment_rules
from forums.markdown import MAX_LENGTH
from forums.models import PostFlag

BODY_HELP = _(
    "Markdown: **bold**, *italic*, [link](https://…), > quote, - list. HTML is shown as typed."
)


def _body_field(label=None) -> forms.CharField:
    return forms.CharField(
        label=label if label is not None else _("Your text"),
        max_length=MAX_LENGTH,
        help_text=BODY_HELP,
        widget=forms.Textarea(attrs={"rows": 8}),
    )


def _language_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Language of your text"),
        choices=settings.LANGUAGES,
        help_text=_("Readers' browsers and screen readers use it."),
    )


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files in one ``<input type="file" multiple>``; each is sniffed and checked
    (``forums.attachments``) so the form shows every problem next to the kept text. The
    service checks them again before storing them."""

    widget = MultipleFileInput

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Attach files"))
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", attachment_rules.ACCEPT)

    def clean(self, data, initial=None) -> list:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        files = [super(AttachmentsField, self).clean(f, initial) for f in files]
        attachment_rules.check_files(files)  # raises ValidationError listing every problem
        return files


def _attachments_help() -> str:
    from django.template.defaultfilters import filesizeformat

    return _(
        "Optional: up to %(count)d files of at most %(size)s each — PDF, images (PNG, JPEG, "
        "GIF, WebP), Word, Excel, PowerPoint, OpenDocument or plain text (.txt, .csv). If the "
        "form comes back with an error, choose the files again."
    ) % {
        "count": attachment_rules.max_per_post(),
        "size": filesizeformat(attachment_rules.max_bytes()),
    }


class ThreadForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = _body_field(_("Opening post"))
    language = _language_field()
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=250,
        help_text=_("Optional, separated by commas (at most 5)."),
    )
    attachments = AttachmentsField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _attachments_help()


class ReplyForm(forms.Form):
    body = _body_field()
    language = _language_field()
    quote_of = forms.IntegerField(required=False, widget=forms.HiddenInput)
    attachments = AttachmentsField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _attachments_help()


class EditPostForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    body = _body_field()
    language = _language_field()
    remove_attachments = forms.TypedMultipleChoiceField(
        label=_("Remove attached files"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    attachments = AttachmentsField(label=_("Attach more files"))

    def __init__(
        self, *args, is_opening: bool = False, attachments: list | tuple = (), **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        if not is_opening:
            del self.fields["title"]
        else:
            self.fields["title"].required = True
        self.existing_attachments = list(attachments)
        if self.existing_attachments:
            self.fields["remove_attachments"].choices = [
                (a.pk, a.original_name) for a in self.existing_attachments
            ]
        else:
            del self.fields["remove_attachments"]
        self.fields["attachments"].help_text = _attachments_help()

    def clean(self):
        cleaned = super().clean()
        removed = cleaned.get("remove_attachments") or []
        kept = len(self.existing_attachments) - len(removed)
        limit = attachment_rules.max_per_post()
        if kept + len(cleaned.get("attachments") or []) > limit:
            self.add_error(
                "attachments",
                _("A post may have at most %(limit)d attachments.") % {"limit": limit},
            )
        return cleaned


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown with the hidden item and recorded in the audit log."),
    )


class CloseForm(forms.Form):
    summary = forms.CharField(
        label=_("What the discussion concluded"),
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=BODY_HELP,
    )


class MoveForm(forms.Form):
    to_space = forms.ModelChoiceField(label=_("Move to"), queryset=None)

    def __init__(self, *args, spaces=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_space"].queryset = spaces


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why should a moderator look at this post?"),
        choices=PostFlag.Reason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note for the moderators (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only the moderators of this space see your flag and note."),
    )


class ReviewHideForm(ReasonForm):
    post = forms.IntegerField(widget=forms.HiddenInput)
