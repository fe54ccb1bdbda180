"""Forum pages: thin adapters. Parse → ask ``forums.permissions`` → call one service → render.

Anything the user may not see answers 404 (``get_*_for_user``); an action on something they can
see but may not do answers 403.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.template.backends.utils import csrf_input
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.formats import get_format, localize
from django.utils.functional import SimpleLazyObject
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Organization
from accounts.permissions import can_see_people
from dialogue.permissions import can_moderate_space, get_space_for_user, moderated_spaces
from forums import attachments as attachment_rules
from forums import mentions, permissions, readstate, selectors, services
from forums.forms import (
    CloseForm,
    EditPostForm,
    FlagForm,
    MoveForm,
    ReasonForm,
    ReplyForm,
    ReviewHideForm,
    ThreadForm,
)
from forums.models import THREADS_PER_PAGE, Post, PostFlag, Thread

GET_POST = require_http_methods(["GET", "POST"])


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _require_signed_in(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def _form_error(form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


def _status_for(error: ValidationError) -> int:
    return 429 if isinstance(error, services.RateLimited) else 400


def _post_url(post: Post) -> str:
    return f"{post.thread.get_absolute_url()}?page={post.page_number}#post-{post.number}"


def _url_maker(name: str) -> Callable[[int], str]:
    """``reverse(name, args=[pk])`` for many pks: reverse once with a sentinel pk and fill the
    pk in. Reversing costs tens of µs a call, and a thread page needs some 200 URLs."""
    sentinel = "2147483647"
    head, _sep, tail = reverse(name, args=[int(sentinel)]).partition(sentinel)
    return lambda pk: f"{head}{pk}{tail}"


class _Shown:
    """What the long pages (a thread's posts, a list of threads) show of each row, prepared
    in Python once per page: the same text as ``{% url %}``, ``|date`` and
    ``get_constituency_display`` in the template, at a fraction of the cost (issue #3,
    docs/benchmarks.md)."""

    def __init__(self) -> None:
        self.profile_url = _url_maker("accounts:profile")
        # Translated once a page (str): a lazy label is translated again at every use.
        self.group_labels = {
            code: str(label)
            for code, label in Organization._meta.get_field("constituency").flatchoices
        }
        self.datetime_format = get_format("SHORT_DATETIME_FORMAT")
        # Rendering an int in a template localizes it; these strings are what it gives.
        self.as_text = localize if settings.USE_THOUSAND_SEPARATOR else str

    def author(self, obj: Post | Thread) -> None:
        """``author_url``, ``author_org_name`` and ``author_group_label`` for the author line
        (the markup of forums/_author.html, inlined by the list templates)."""
        if obj.author is not None:
            obj.author_url = self.profile_url(obj.author.pk)
        org = obj.author_organization
        if org is not None:
            obj.author_org_name = org.acronym or org.name  # |default
            obj.author_group_label = self.group_labels.get(org.constituency, org.constituency)

    def moment(self, value) -> tuple[str, str]:
        """``<time datetime>`` and the displayed text, in the viewer's time zone as |date."""
        local = timezone.localtime(value)
        return local.isoformat(), dateformat.format(local, self.datetime_format)


# --- Lists ------------------------------------------------------------------------------------


def _thread_list(request: HttpRequest, space, *, tag_slug: str | None = None) -> dict:
    threads = selectors.space_threads(request.user, space, tag_slug=tag_slug)
    page = Paginator(threads, THREADS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    selectors.attach_tags(page.object_list)
    readstate.annotate_unread(page.object_list, request.user)
    shown = _Shown()
    thread_url = _url_maker("forums:thread")
    unread_url = _url_maker("forums:first_unread")
    tag_url = functools.cache(lambda slug: reverse("forums:tag", args=[space.slug, slug]))
    for thread in page.object_list:
        thread.url = thread_url(thread.pk)
        thread.unread_url = unread_url(thread.pk)
        shown.author(thread)
        thread.last_activity_iso, thread.last_activity_display = shown.moment(
            thread.last_activity_at
        )
        thread.tag_links = [(tag_url(tag.slug), tag.name) for tag in thread.tag_list]
    return {
        "space": space,
        "page": page,
        "threads": page.object_list,
        "can_start": permissions.can_start_thread(request.user, space),
        "tags": permissions.visible_tags_in_space(request.user, space).order_by("name")[:40],
        # Moderators only: one count query, whatever the number of flags.
        "open_flag_count": selectors.open_flag_count(space)
        if can_moderate_space(request.user, space)
        else None,
    }


@require_http_methods(["GET"])
def space_threads(request: HttpRequest, slug: str) -> HttpResponse:
    space = get_space_for_user(request.user, slug, need="read")
    context = _thread_list(request, space)
    return render(request, "forums/thread_list.html", context)


@require_http_methods(["GET"])
def tag_threads(request: HttpRequest, slug: str, tag: str) -> HttpResponse:
    """Threads of one space with one tag; 404 unless a thread the user may see carries it
    there (tags are global: a tag used only in a caucus must not be confirmed to outsiders)."""
    space = get_space_for_user(request.user, slug, need="read")
    tag_obj = permissions.visible_tags_in_space(request.user, space).filter(slug=tag).first()
    if tag_obj is None:
        raise Http404("No such tag here.")
    context = _thread_list(request, space, tag_slug=tag)
    context["tag"] = tag_obj
    return render(request, "forums/thread_list.html", context)


@require_http_methods(["GET"])
def tag_everywhere(request: HttpRequest, tag: str) -> HttpResponse:
    """One tag across every space the user may read; 404 unless a visible thread carries it."""
    tag_obj = permissions.visible_tags(request.user).filter(slug=tag).first()
    if tag_obj is None:
        raise Http404("No such tag.")
    threads = selectors.tagged_threads(request.user, tag)
    page = Paginator(threads, THREADS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    readstate.annotate_unread(page.object_list, request.user)
    return render(
        request,
        "forums/tag_everywhere.html",
        {"tag": tag_obj, "page": page, "threads": page.object_list},
    )


@GET_POST
def new_thread(request: HttpRequest, slug: str) -> HttpResponse:
    space = get_space_for_user(request.user, slug, need="read")
    if (response := _require_signed_in(request)) is not None:
        return response
    if not permissions.can_start_thread(request.user, space):
        raise PermissionDenied(_("Only active members of this space can start threads."))
    status = 200
    if request.method == "POST":
        form = ThreadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                thread = services.start_thread(author=request.user, space=space, **form.cleaned_data)
            except ValidationError as error:
                _form_error(form, error)
                status = _status_for(error)
            else:
                return redirect(thread)
        else:
            status = 400
    else:
        form = ThreadForm(initial={"language": request.user.preferred_language})
    return render(request, "forums/thread_form.html", {"space": space, "form": form}, status=status)


# --- A thread ---------------------------------------------------------------------------------


def _decorate_posts(user, thread: Thread, posts: list[Post], *, can_moderate: bool) -> None:
    """Attach what the viewer may do with each post (predicates are memoised per request, so
    this adds no queries) and the support tallies (two queries for the whole page).

    Also prepares what ``forums/_posts.html`` shows of each post (URLs, numbers, dates, the
    author line; see ``_Shown``): doing it in the template cost about a millisecond a post."""
    ids = [p.pk for p in posts]
    tallies = selectors.support_tallies(ids)
    mine = selectors.supported_by(user, ids)
    viewer = permissions.thread_viewer(user, thread)
    can_reply = permissions.can_reply(user, thread)
    post_url, support_url, edit_url, delete_url, history_url, hide_url, restore_url = (
        _url_maker(f"forums:{name}")
        for name in ("post", "support_post", "edit_post", "delete_post", "post_history",
                     "hide_post", "restore_post")
    )
    flag_url = _url_maker("forums:flag_post")
    files = attachment_rules.attachments_by_post(ids)  # one query for the page
    attachment_url = _url_maker("forums:attachment")
    reply_url = reverse("forums:reply", args=[thread.pk])
    shown = _Shown()
    as_text = shown.as_text
    opening_label = _("Opening post")
    post_label = _("Post %(number)s")
    label_htmls: dict[str, str] = {}

    def label_html(group: str, label) -> str:
        if group not in label_htmls:
            label_htmls[group] = escape(str(label))  # str: escape() keeps a lazy string lazy
        return label_htmls[group]

    for post in posts:
        post.is_first_unread = False  # set by _read_position (an attribute the template reads)
        post.tally = tallies[post.pk]
        post.is_supported = post.pk in mine
        post.can_edit = viewer.can_edit(post)
        post.can_delete = viewer.can_delete(post)
        post.can_support = viewer.can_support(post)
        post.can_history = post.edited_at is not None and viewer.can_view_history(post)
        post.can_hide = can_moderate
        # The per-post part of permissions.can_flag_post; a second open flag of the same
        # person is refused by the service (no lookup per post here).
        post.can_flag = viewer.can_flag_here(post)
        post.shows_body = not post.is_deleted and (not post.is_hidden or can_moderate)
        post.shows_tally = not post.is_deleted and not post.is_hidden
        post.shows_edited_mark = post.edited_at is not None and not post.is_deleted
        post.can_quote = can_reply and post.shows_body and not post.is_hidden
        # What the template shows, as ``{% url %}``, ``|date``, ``|default`` and the rendering
        # of numbers would give it (strings: rendering an int in a template localizes it).
        pk = post.pk
        post.number_text = as_text(post.number)
        post.heading_text = opening_label if post.number == 1 else post_label % {
            "number": post.number_text
        }
        # The tally's spans, built here rather than by a loop in the template (a nested loop
        # per post was a good part of the page). Group codes and numbers need no escaping;
        # the labels are translated and escaped once a page.
        post.tally_html = mark_safe(  # labels escaped; codes and numbers are safe as they are
            " · ".join(
                f'<span class="tally tally-{group}">{label_html(group, label)} {as_text(count)}</span>'
                for group, label, count in post.tally.counts
            )
        )
        post.url = post_url(pk)
        post.support_url = support_url(pk)
        post.edit_url = edit_url(pk)
        post.delete_url = delete_url(pk)
        post.history_url = history_url(pk)
        post.hide_url = hide_url(pk)
        post.restore_url = restore_url(pk)
        post.flag_url = flag_url(pk)
        post.quote_reply_url = f"{reply_url}?quote={pk}"
        if "quote_number" in post.__dict__:  # from selectors.thread_page
            quote_number = post.quote_number
        else:
            quote_number = post.quote_of.number if post.quote_of_id else None
        if quote_number is not None:
            post.quote_url = post_url(post.quote_of_id)
            post.quote_number_text = as_text(quote_number)
        else:
            post.quote_url = None
        post.created_iso, post.created_display = shown.moment(post.created_at)
        shown.author(post)
        # Files follow the text: none for a deleted post, a hidden one's for moderators only.
        post.attachment_list = files[pk] if post.shows_body else []
        for attachment in post.attachment_list:
            attachment.url = attachment_url(attachment.pk)
            kind = attachment_rules.kind_for(attachment.content_type)
            attachment.kind_label = kind.label if kind else attachment.content_type
            attachment.size_display = filesizeformat(attachment.size)


def _post_context(request: HttpRequest, thread: Thread) -> dict:
    can_moderate = permissions.can_moderate_thread(request.user, thread)
    return {
        "thread": thread,
        "space": thread.space,
        "can_moderate": can_moderate,
        "can_reply": permissions.can_reply(request.user, thread),
        "show_names": can_see_people(request.user),
        # The page's CSRF token as one hidden input, reused by every form of the page
        # ({% csrf_token %} masks the token afresh for each of the support forms). Lazy,
        # as {% csrf_token %} is: a page without forms does not touch the CSRF cookie.
        "csrf_input": SimpleLazyObject(lambda: csrf_input(request)),
    }


def _read_position(user, thread: Thread, posts: list[Post]) -> dict:
    """Mark the page read (one statement, forums.readstate) and place the "New" divider before
    the first post the person had not been shown before this visit. A thread never opened gets
    no divider (all of it is new). ``unread_anchor``: where "first unread" goes from the top of
    the page — this page's divider, or the redirect view when it lies on a later page."""
    if not posts or not user.is_authenticated:
        return {}
    previous = readstate.mark_read(user, thread, posts[-1].number)
    if previous is None or previous >= thread.last_post_number:
        return {}
    first_unread = previous + 1
    for post in posts:
        if post.number == first_unread:
            post.is_first_unread = True
            return {"unread_anchor": "#first-unread"}
    if first_unread > posts[-1].number:
        return {"unread_anchor": reverse("forums:first_unread", args=[thread.pk])}
    return {}


@require_http_methods(["GET"])
def thread_detail(request: HttpRequest, pk: int) -> HttpResponse:
    thread = permissions.get_thread_for_user(request.user, pk)
    context = _post_context(request, thread)
    page = selectors.thread_page(thread, _page_number(request))
    for post in page.posts:
        post.thread = thread  # every post of the page is in this thread; no lookups per post
    _decorate_posts(request.user, thread, page.posts, can_moderate=context["can_moderate"])
    context.update(_read_position(request.user, thread, page.posts))
    context.update(
        page=page,
        posts=page.posts,
        tags=list(thread.tags.all()),
        reply_form=ReplyForm(initial={"language": getattr(request.user, "preferred_language", "en")})
        if context["can_reply"]
        else None,
    )
    return render(request, "forums/thread.html", context)


@require_http_methods(["GET"])
def post_permalink(request: HttpRequest, pk: int) -> HttpResponse:
    post = permissions.get_post_for_user(request.user, pk)
    return HttpResponseRedirect(_post_url(post))


@require_http_methods(["GET"])
def post_fragment(request: HttpRequest, pk: int) -> HttpResponse:
    """One post as an HTML fragment, for the live thread page (access re-checked here)."""
    post = permissions.get_post_for_user(request.user, pk)
    thread = post.thread
    context = _post_context(request, thread)
    _decorate_posts(request.user, thread, [post], can_moderate=context["can_moderate"])
    # The live page fetches a fragment to show the post: the reader has now been shown it.
    readstate.mark_read(request.user, thread, post.number)
    context["posts"] = [post]
    return render(request, "forums/_posts.html", context)


@GET_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    thread = permissions.get_thread_for_user(request.user, pk)
    if (response := _require_signed_in(request)) is not None:
        return response
    if not permissions.can_reply(request.user, thread):
        raise PermissionDenied(_("You cannot reply to this thread."))
    status = 200
    quote = None
    if request.method == "POST":
        form = ReplyForm(request.POST, request.FILES)
        if form.is_valid():
            quote_id = form.cleaned_data.pop("quote_of")
            if quote_id:
                quote = Post.objects.filter(pk=quote_id, thread=thread).first()
            try:
                post = services.reply_to_thread(
                    author=request.user, thread=thread, quote_of=quote, **form.cleaned_data
                )
            except ValidationError as error:
                _form_error(form, error)
                status = _status_for(error)
            else:
                return HttpResponseRedirect(_post_url(post))
        else:
            status = 400
    else:
        initial = {"language": request.user.preferred_language}
        quote_id = request.GET.get("quote", "")
        if quote_id.isdigit():
            quote = Post.objects.filter(
                pk=int(quote_id), thread=thread, is_deleted=False, is_hidden=False
            ).select_related("author").first()
            if quote is not None:
                quoted = "\n".join(f"> {line}" for line in quote.body_markdown.splitlines())
                initial.update(body=quoted + "\n\n", quote_of=quote.pk)
        form = ReplyForm(initial=initial)
    return render(
        request,
        "forums/reply.html",
        {"thread": thread, "space": thread.space, "form": form, "quote": quote},
        status=status,
    )


# --- A post -----------------------------------------------------------------------------------


@GET_POST
def edit_post(request: HttpRequest, pk: int) -> HttpResponse:
    post = permissions.get_post_for_user(request.user, pk)
    if not permissions.can_edit_post(request.user, post):
        raise PermissionDenied(_("You cannot edit this post."))
    status = 200
    files = list(post.attachments.all())
    if request.method == "POST":
        form = EditPostForm(
            request.POST, request.FILES, is_opening=post.is_opening, attachments=files
        )
        if form.is_valid():
            try:
                with transaction.atomic():  # the text and the files change together, or neither
                    services.edit_post(
                        editor=request.user,
                        post=post,
                        body=form.cleaned_data["body"],
                        language=form.cleaned_data["language"],
                        title=form.cleaned_data.get("title"),
                    )
                    services.change_post_attachments(
                        editor=request.user,
                        post=post,
                        add=form.cleaned_data["attachments"],
                        remove=form.cleaned_data.get("remove_attachments") or (),
                    )
            except ValidationError as error:
                _form_error(form, error)
                status = 400
            else:
                return HttpResponseRedirect(_post_url(post))
        else:
            status = 400
    else:
        form = EditPostForm(
            initial={"body": post.body_markdown, "language": post.language, "title": post.thread.title},
            is_opening=post.is_opening,
            attachments=files,
        )
    return render(
        request,
        "forums/post_edit.html",
        {"post": post, "thread": post.thread, "space": post.thread.space, "form": form},
        status=status,
    )


@GET_POST
def delete_post(request: HttpRequest, pk: int) -> HttpResponse:
    post = permissions.get_post_for_user(request.user, pk)
    if not permissions.can_delete_post(request.user, post):
        raise PermissionDenied(_("You cannot delete this post."))
    if request.method == "POST":
        services.delete_post(user=request.user, post=post)
        messages.success(request, _("Your post was deleted."))
        return HttpResponseRedirect(_post_url(post))
    return render(
        request, "forums/post_delete.html", {"post": post, "thread": post.thread, "space": post.thread.space}
    )


@require_POST
def support_post(request: HttpRequest, pk: int) -> HttpResponse:
    post = permissions.get_post_for_user(request.user, pk)
    if request.POST.get("action") == "withdraw":
        if not request.user.is_authenticated:
            raise PermissionDenied
        services.withdraw_support(user=request.user, post=post)
    else:
        if not permissions.can_support_post(request.user, post):
            raise PermissionDenied(_("You cannot support this post."))
        services.support_post(user=request.user, post=post)
    return HttpResponseRedirect(_post_url(post))


@require_http_methods(["GET"])
def post_history(request: HttpRequest, pk: int) -> HttpResponse:
    post = permissions.get_post_for_user(request.user, pk)
    if not permissions.can_view_post_history(request.user, post):
        raise PermissionDenied(_("Only the author and the space's moderators see a post's history."))
    revisions = list(post.revisions.select_related("replaced_by").order_by("-replaced_at", "-pk"))
    return render(
        request,
        "forums/post_history.html",
        {
            "post": post,
            "thread": post.thread,
            "space": post.thread.space,
            "revisions": revisions,
            "show_names": can_see_people(request.user),
        },
    )


@GET_POST
def hide_post(request: HttpRequest, pk: int) -> HttpResponse:
    post = permissions.get_post_for_user(request.user, pk)
    if not permissions.can_hide_post(request.user, post):
        raise PermissionDenied(_("You do not moderate this space."))
    status = 200
    if request.method == "POST":
        form = ReasonForm(request.POST)
        if form.is_valid():
            services.hide_post(
                actor=request.user, post=post, reason=form.cleaned_data["reason"], request=request
            )
            messages.success(request, _("The post is hidden."))
            return HttpResponseRedirect(_post_url(post))
        status = 400
    else:
        form = ReasonForm()
    return render(
        request,
        "forums/post_hide.html",
        {"post": post, "thread": post.thread, "space": post.thread.space, "form": form},
        status=status,
    )


@require_POST
def restore_post(request: HttpRequest, pk: int) -> HttpResponse:
    post = permissions.get_post_for_user(request.user, pk)
    if not permissions.can_hide_post(request.user, post):
        raise PermissionDenied(_("You do not moderate this space."))
    services.restore_post(actor=request.user, post=post, request=request)
    messages.success(request, _("The post is shown again."))
    return HttpResponseRedirect(_post_url(post))


# --- Moderating a thread ------------------------------------------------------------------------


@GET_POST
def moderate_thread(request: HttpRequest, pk: int) -> HttpResponse:
    """One page for the thread-level moderator actions; each POST names one ``action``."""
    thread = permissions.get_thread_for_user(request.user, pk)
    if not permissions.can_moderate_thread(request.user, thread):
        raise PermissionDenied(_("You do not moderate this space."))
    targets = moderated_spaces(request.user).exclude(pk=thread.space_id).order_by("name")
    close_form, hide_form, move_form = CloseForm(), ReasonForm(), MoveForm(spaces=targets)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        user = request.user
        simple = {
            "lock": lambda: services.lock_thread(actor=user, thread=thread, locked=True, request=request),
            "unlock": lambda: services.lock_thread(actor=user, thread=thread, locked=False, request=request),
            "pin": lambda: services.pin_thread(actor=user, thread=thread, pinned=True, request=request),
            "unpin": lambda: services.pin_thread(actor=user, thread=thread, pinned=False, request=request),
            "reopen": lambda: services.reopen_thread(actor=user, thread=thread, request=request),
            "unhide": lambda: services.restore_thread(actor=user, thread=thread, request=request),
        }
        if action in simple:
            simple[action]()
            messages.success(request, _("Done."))
            return redirect(thread)
        if action == "close":
            close_form = CloseForm(request.POST)
            if close_form.is_valid():
                services.close_thread(
                    actor=user, thread=thread, summary=close_form.cleaned_data["summary"], request=request
                )
                messages.success(request, _("The thread is closed."))
                return redirect(thread)
        elif action == "hide":
            hide_form = ReasonForm(request.POST)
            if hide_form.is_valid():
                services.hide_thread(
                    actor=user, thread=thread, reason=hide_form.cleaned_data["reason"], request=request
                )
                messages.success(request, _("The thread is hidden."))
                return redirect(thread)
        elif action == "move":
            move_form = MoveForm(request.POST, spaces=targets)
            if move_form.is_valid():
                to_space = move_form.cleaned_data["to_space"]
                services.move_thread(actor=user, thread=thread, to_space=to_space, request=request)
                messages.success(request, _("The thread was moved."))
                return redirect(thread)
        else:
            return HttpResponseBadRequest(_("Unknown action."))
        status = 400
    return render(
        request,
        "forums/moderate.html",
        {
            "thread": thread,
            "space": thread.space,
            "close_form": close_form,
            "hide_form": hide_form,
            "move_form": move_form,
            "has_targets": targets.exists(),
        },
        status=status,
    )


# --- Flags and the review queue -------------------------------------------------------------------


@GET_POST
def flag_post(request: HttpRequest, pk: int) -> HttpResponse:
    """Flag a post for the space's moderators: the "Flag" link under each post of the
    thread page leads here (a page of its own rather than a form under each of the page's
    posts, which made the thread page half as fast again — docs/benchmarks.md)."""
    post = permissions.get_post_for_user(request.user, pk)
    if (response := _require_signed_in(request)) is not None:
        return response
    if not permissions.can_flag_post_here(request.user, post):
        raise PermissionDenied(_("You cannot flag this post."))
    status = 200
    if request.method == "POST":
        form = FlagForm(request.POST)
        if form.is_valid():
            try:
                services.flag_post(user=request.user, post=post, **form.cleaned_data)
            except ValidationError as error:
                _form_error(form, error)
                status = 409 if error.code == "already_flagged" else 400
            else:
                messages.success(
                    request,
                    _("Thank you. The post is flagged; the moderators of this space will look at it."),
                )
                return HttpResponseRedirect(_post_url(post))
        else:
            status = 400
    else:
        form = FlagForm()
    return render(
        request,
        "forums/post_flag.html",
        {"post": post, "thread": post.thread, "space": post.thread.space, "form": form},
        status=status,
    )


@GET_POST
def review_queue(request: HttpRequest, slug: str) -> HttpResponse:
    """Open flags of one space, grouped by post, for its moderators (404 for everyone else:
    a caucus's queue exists only for its own moderators). POST hides one flagged post."""
    space = get_space_for_user(request.user, slug, need="moderate")
    status = 200
    hide_error = None
    if request.method == "POST":
        form = ReviewHideForm(request.POST)
        if form.is_valid():
            post = (
                Post.objects.filter(
                    thread__in=permissions.visible_threads(request.user),
                    thread__space=space,
                    pk=form.cleaned_data["post"],
                )
                .select_related("thread", "thread__space")
                .first()
            )
            if post is None:
                raise Http404("No such post here.")
            services.hide_post(
                actor=request.user, post=post, reason=form.cleaned_data["reason"], request=request
            )
            messages.success(request, _("The post is hidden and its flags are resolved."))
            return redirect("forums:review", slug=space.slug)
        status = 400
        hide_error = form.errors.get("reason") or form.errors.get("post")
    posts = selectors.flagged_posts(space)
    page = Paginator(posts, THREADS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    selectors.attach_open_flags(page.object_list)
    return render(
        request,
        "forums/review.html",
        {
            "space": space,
            "page": page,
            "posts": page.object_list,
            "review": True,
            "hide_error": hide_error,
            "show_names": can_see_people(request.user),
        },
        status=status,
    )


@require_POST
def dismiss_flag(request: HttpRequest, slug: str, flag_pk: int) -> HttpResponse:
    space = get_space_for_user(request.user, slug, need="moderate")
    flag = (
        PostFlag.objects.filter(post__thread__space=space, pk=flag_pk)
        .select_related("post__thread__space")
        .first()
    )
    if flag is None:
        raise Http404("No such flag here.")
    services.dismiss_flag(actor=request.user, flag=flag, request=request)
    messages.success(request, _("The flag is dismissed."))
    return redirect("forums:review", slug=space.slug)


# --- Attachments ----------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """Stream one attachment through the storage API, to those who may read its post (404 for
    everyone else, and for a file missing from storage).

    Images (sniffed at upload) are shown inline; everything else downloads. Either way the
    browser is told not to guess the type (``nosniff``), the file runs in a sandbox with no
    rights (``Content-Security-Policy``) and no shared cache keeps it."""
    item = permissions.get_attachment_for_user(request.user, pk)
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("No such attachment.") from None
    kind = attachment_rules.kind_for(item.content_type)
    inline = kind is not None and kind.is_image
    content_type = item.content_type
    if content_type.startswith("text/"):
        content_type += "; charset=utf-8"
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = attachment_rules.content_disposition(
        item.original_name, inline=inline
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


# --- Mentions -------------------------------------------------------------------------------------


@require_http_methods(["GET"])
def mention_suggest(request: HttpRequest, slug: str) -> HttpResponse:
    """Autocomplete for ``@`` in the post forms: up to ``mentions.MAX_SUGGESTIONS`` of the space's
    mentionable members whose handle or name starts with ``q``, as JSON
    ``[{handle, name, organization, group}]``.

    404 for a space the user may not read (a caucus's members never reach outsiders); 403
    for a reader who may not write there (anonymous and unverified visitors included)."""
    space = get_space_for_user(request.user, slug, need="read")
    if not permissions.can_suggest_mentions(request.user, space):
        raise PermissionDenied(_("Only active members of this space can mention people here."))
    query = request.GET.get("q", "").strip().lstrip("@")
    suggestions = mentions.suggestions(space, query, viewer=request.user)
    response = JsonResponse(suggestions, safe=False)
    response["Cache-Control"] = "private, no-store"
    return response


# --- Read state ---------------------------------------------------------------------------------


@require_http_methods(["GET"])
def first_unread(request: HttpRequest, pk: int) -> HttpResponse:
    """"Jump to first unread": the page and anchor of the first post after the last one the
    person was shown (the opening post if they never opened the thread, the last post when
    everything is read; anonymous visitors, who have no read state, land on the opening post)."""
    thread = permissions.get_thread_for_user(request.user, pk)
    number = readstate.first_unread_number(request.user, thread)
    return HttpResponseRedirect(
        f"{thread.get_absolute_url()}?page={readstate.page_of(number)}#post-{number}"
    )


@GET_POST
def mark_space_read(request: HttpRequest, slug: str) -> HttpResponse:
    """"Mark all read" for one space's threads (those the person may see). POST only, but the
    space is looked up first, so a GET on a hidden space answers 404 like any of its pages."""
    space = get_space_for_user(request.user, slug, need="read")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if (response := _require_signed_in(request)) is not None:
        return response
    readstate.mark_space_read(request.user, space)
    messages.success(request, _("All threads in this space are marked as read."))
    return redirect("forums:space_threads", slug=space.slug)
