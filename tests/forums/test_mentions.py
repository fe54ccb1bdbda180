"""@mentions: what the parser takes for a mention, who can be mentioned, the links a post
shows, the PostMention rows notifications read, and the autocomplete's access rules."""

from __future__ import annotations

import json

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dialogue import services as dialogue_services
from dialogue.models import Membership
from forums import markdown, services
from forums.mentions import MAX_MENTIONS, MAX_SUGGESTIONS, candidate_handles
from forums.models import PostMention
from forums.signals import forum_event
from tests.factories import verified_user
from tests.forums.test_views import login
from tests.world import _activate

pytestmark = pytest.mark.django_db


def handle(forum, key: str) -> str:
    return forum.user(key).handle


def mention_link(user) -> str:
    return f'<a class="mention" href="/people/{user.pk}/" rel="nofollow ugc noopener">@{user.handle}</a>'


def mentioned_ids(post) -> set[int]:
    return set(PostMention.objects.filter(post=post).values_list("user_id", flat=True))


@pytest.fixture
def thread(forum):
    return services.start_thread(
        author=forum.user("member"), space=forum.space("in"), title="Wages", body="Opening"
    )


# --- Parsing --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("thanks @wrk.in.", ["wrk.in"]),  # a full stop ends the sentence, not the handle
        ("(@Focal.Gov.In), @abc-def!", ["focal.gov.in", "abc-def"]),  # case-insensitive
        ("ありがとう@wrk.inさん", ["wrk.in"]),  # Japanese needs no spaces around it
        ("ກະລຸນາ @focal.gov.la ເບິ່ງ", ["focal.gov.la"]),
        ("write to someone@example.org", []),  # an email address is not a mention
        ("see https://example.org/@abc", []),  # nor a path in a URL
        ("@ab is too short, @abc_ is cut", []),  # under 3 characters; "_" cannot end a handle
        ("@abc @ABC @abc", ["abc"]),  # once per person
        ("me@@abc", []),
    ],
)
def test_the_parser_finds_handles_at_word_boundaries_only(text, expected):
    assert candidate_handles(text) == expected


def test_a_mention_of_a_member_becomes_a_link_to_their_profile(forum, thread):
    government = forum.user("in-government")
    post = services.reply_to_thread(
        author=forum.user("member"), thread=thread, body=f"Agreed with @{government.handle}."
    )
    assert f"Agreed with {mention_link(government)}." in post.body_html
    assert mentioned_ids(post) == {government.pk}


def test_mentions_in_code_link_text_and_quotations_stay_text(forum, thread):
    h = handle(forum, "in-government")
    body = (
        f"`@{h}`\n\n    @{h} in a code block\n\n[ask @{h}](https://example.org)\n\n"
        f"> quoting @{h} and **@{h}**"
    )
    post = services.reply_to_thread(author=forum.user("member"), thread=thread, body=body)
    assert 'class="mention"' not in post.body_html
    assert f"<code>@{h}</code>" in post.body_html
    assert mentioned_ids(post) == set()


def test_a_handle_outside_the_space_reads_exactly_like_one_that_does_not_exist(forum, thread):
    """A non-member's handle, a removed member's, one's own and an unknown one all stay
    plain text: the author cannot tell from the post whether a handle exists."""
    member = forum.user("member")
    outsider = forum.user("jp-workers").handle  # verified, not a member of ``in``
    removed = forum.user("removed").handle
    body = f"@{outsider} @{removed} @{member.handle} @nobody-here"
    post = services.reply_to_thread(author=member, thread=thread, body=body)
    assert post.body_html == markdown.render(body)
    assert "@nobody-here" in post.body_html and f"@{outsider}" in post.body_html
    assert mentioned_ids(post) == set()


def test_caucus_members_can_be_mentioned_only_inside_their_caucus(forum):
    caucus_moderator = forum.user("caucus-moderator")  # in the caucus, not in ``in``
    body = f"@{caucus_moderator.handle} what do you think?"
    in_caucus = services.start_thread(
        author=forum.user("member"), space=forum.space("in-workers"), title="t", body=body
    )
    public = services.start_thread(
        author=forum.user("member"), space=forum.space("in"), title="t", body=body
    )
    assert mentioned_ids(in_caucus.posts.get()) == {caucus_moderator.pk}
    assert 'class="mention"' not in public.posts.get().body_html
    assert mentioned_ids(public.posts.get()) == set()


def test_members_with_a_stale_or_ended_standing_are_not_mentioned(forum, thread):
    """A membership counts only on the affiliation it was granted under, and an inactive
    account is nobody: the same rule as reading the space."""
    from accounts.models import Affiliation

    stale = verified_user(forum.orgs["in-workers"], email="stale-m@example.org")
    _activate(forum.space("in"), stale)
    Affiliation.objects.filter(user=stale).update(status=Affiliation.Status.REVOKED)
    inactive = verified_user(forum.orgs["in-workers"], email="inactive-m@example.org")
    _activate(forum.space("in"), inactive)
    type(inactive).objects.filter(pk=inactive.pk).update(is_active=False)
    post = services.reply_to_thread(
        author=forum.user("member"), thread=thread, body=f"@{stale.handle} @{inactive.handle}"
    )
    assert mentioned_ids(post) == set()


def test_at_most_twenty_people_are_mentioned_in_one_post(forum, thread):
    people = []
    for n in range(MAX_MENTIONS + 2):
        person = verified_user(forum.orgs["in-workers"], email=f"many{n}@example.org")
        _activate(forum.space("in"), person)
        people.append(person)
    body = " ".join(f"@{p.handle}" for p in people)
    post = services.reply_to_thread(author=forum.user("member"), thread=thread, body=body)
    assert mentioned_ids(post) == {p.pk for p in people[:MAX_MENTIONS]}
    assert post.body_html.count('class="mention"') == MAX_MENTIONS
    assert f"@{people[-1].handle}" in post.body_html


def test_the_sanitizer_keeps_the_mention_class_on_links_and_no_other_class():
    html = markdown.sanitize(
        '<a class="mention evil" href="/people/1/">@x</a><p class="mention">y</p>'
        '<a class="button" href="/z">z</a>'
    )
    assert '<a class="mention" href="/people/1/"' in html
    assert "evil" not in html and 'class="button"' not in html and "<p class=" not in html


def test_markdown_cannot_forge_a_mention_link(forum, thread):
    post = services.reply_to_thread(
        author=forum.user("member"),
        thread=thread,
        body='<a class="mention" href="javascript:alert(1)">@x</a> and {: .mention}',
    )
    assert "<a " not in post.body_html


# --- PostMention rows ---------------------------------------------------------------------------


def test_mention_rows_are_written_with_the_post_before_the_transaction_commits(
    forum, thread, django_capture_on_commit_callbacks
):
    government = forum.user("in-government")
    events = []

    def receiver(sender, **kwargs):
        events.append(kwargs)
        # When notifications hear of the post, its mention rows are there to read.
        assert PostMention.objects.filter(post_id=kwargs["post_id"]).exists()

    forum_event.connect(receiver)
    try:
        with django_capture_on_commit_callbacks() as callbacks:
            with transaction.atomic():
                post = services.reply_to_thread(
                    author=forum.user("member"), thread=thread, body=f"@{government.handle}"
                )
                assert mentioned_ids(post) == {government.pk}
            assert events == []  # not committed yet
        for callback in callbacks:
            callback()
    finally:
        forum_event.disconnect(receiver)
    created = [e for e in events if e["kind"] == "post.created"]
    assert created and created[0]["mentioned_user_ids"] == [government.pk]


def test_a_failed_post_leaves_no_mention_behind(forum, thread):
    government = forum.user("in-government")
    with pytest.raises(RuntimeError), transaction.atomic():
        services.reply_to_thread(
            author=forum.user("member"), thread=thread, body=f"@{government.handle}"
        )
        raise RuntimeError("the request failed after the service")
    assert not PostMention.objects.filter(user=government).exists()


def test_editing_adds_new_mentions_removes_dropped_ones_and_keeps_the_rest(
    forum, thread, django_capture_on_commit_callbacks
):
    government, employers, observer = (
        forum.user(k) for k in ("in-government", "in-employers", "observer")
    )
    member = forum.user("member")
    post = services.reply_to_thread(
        author=member, thread=thread, body=f"@{government.handle} @{employers.handle}"
    )
    kept = PostMention.objects.get(post=post, user=government)
    events = []

    def receiver(sender, **kwargs):
        events.append(kwargs)

    forum_event.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.edit_post(
                editor=member, post=post, body=f"@{government.handle} and @{observer.handle}"
            )
    finally:
        forum_event.disconnect(receiver)
    assert mentioned_ids(post) == {government.pk, observer.pk}
    assert PostMention.objects.get(post=post, user=government).created_at == kept.created_at
    edited = [e for e in events if e["kind"] == "post.edited"]
    assert edited[0]["mentioned_user_ids"] == [observer.pk]  # newly added only
    post.refresh_from_db()
    assert mention_link(observer) in post.body_html
    assert f"@{employers.handle}" not in post.body_html


def test_a_thread_started_with_a_mention_announces_it(forum, django_capture_on_commit_callbacks):
    government = forum.user("in-government")
    events = []

    def receiver(sender, **kwargs):
        events.append(kwargs)

    forum_event.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.start_thread(
                author=forum.user("member"),
                space=forum.space("in"),
                title="t",
                body=f"cc @{government.handle}",
            )
    finally:
        forum_event.disconnect(receiver)
    started = [e for e in events if e["kind"] == "thread.started"]
    assert started[0]["mentioned_user_ids"] == [government.pk]


def test_a_member_who_leaves_is_no_longer_linked_when_the_post_is_edited(forum, thread):
    government = forum.user("in-government")
    member = forum.user("member")
    post = services.reply_to_thread(author=member, thread=thread, body=f"@{government.handle}")
    dialogue_services.leave_space(user=government, space=forum.space("in"))
    services.edit_post(editor=member, post=post, body=f"@{government.handle} (edited)")
    post.refresh_from_db()
    assert 'class="mention"' not in post.body_html
    assert mentioned_ids(post) == set()


# --- Autocomplete -------------------------------------------------------------------------------


def suggest(client, space, q):
    return client.get(reverse("forums:mention_suggest", args=[space.slug]), {"q": q})


def test_a_member_gets_matching_members_of_the_space(client, forum):
    government = forum.user("in-government")
    login(client, forum.user("member"))
    response = suggest(client, forum.space("in"), government.handle[:4])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    rows = json.loads(response.content)
    assert {"handle": government.handle, "name": government.get_display_name(),
            "organization": "IN-GOVERNMENT", "group": "Government"} in rows  # fmt: skip
    handles = {row["handle"] for row in rows}
    # Never the person asking; never someone outside the space.
    assert forum.user("member").handle not in handles
    assert forum.user("caucus-moderator").handle not in handles
    assert forum.user("jp-workers").handle not in handles


def test_suggestions_match_a_word_of_the_name_and_stop_at_eight(client, forum):
    for n in range(MAX_SUGGESTIONS + 3):
        person = verified_user(
            forum.orgs["in-workers"], email=f"s{n}@example.org", display_name=f"Ravi Kumar {n}"
        )
        _activate(forum.space("in"), person)
    login(client, forum.user("member"))
    rows = json.loads(suggest(client, forum.space("in"), "kum").content)
    assert len(rows) == MAX_SUGGESTIONS
    assert all(row["name"].startswith("Ravi Kumar") for row in rows)
    assert json.loads(suggest(client, forum.space("in"), "").content) == []


@pytest.mark.parametrize(
    ("role", "space_key", "status"),
    [
        ("anonymous", "in", 403),  # reads the public space; may not list its people
        ("unverified", "in", 403),
        ("jp-workers", "in", 403),  # verified reader, not a member
        ("removed", "in", 403),
        ("in-employers", "in-workers", 404),  # the caucus is hidden from them
        ("moderator", "in-workers", 404),  # moderates the parent space: still outside
        ("staff", "in-workers", 404),
        ("caucus-pending", "in-workers", 404),  # may ask to join; reads nothing
        ("member", "in-workers", 200),
        ("adviser", "in-workers", 200),
    ],
)
def test_only_active_members_of_the_space_get_suggestions(client, forum, role, space_key, status):
    if forum.user(role) is not None:
        login(client, forum.user(role))
    response = suggest(client, forum.space(space_key), "us")
    assert response.status_code == status
    if status != 200:
        assert forum.user("caucus-moderator").handle.encode() not in response.content


def test_caucus_suggestions_list_only_caucus_members(client, forum):
    login(client, forum.user("member"))
    rows = json.loads(suggest(client, forum.space("in-workers"), "user").content)
    in_caucus = set(
        Membership.objects.filter(space=forum.space("in-workers"), status="active")
        .exclude(user=forum.user("member"))
        .values_list("user__handle", flat=True)
    )
    assert {row["handle"] for row in rows} <= in_caucus
    assert forum.user("caucus-moderator").handle in {row["handle"] for row in rows}


def test_the_autocomplete_costs_the_same_number_of_queries_at_two_sizes(client, forum):
    login(client, forum.user("member"))
    counts = []
    for n in (2, 12):
        for i in range(n):
            person = verified_user(
                forum.orgs["in-workers"],
                email=f"q{n}-{i}@example.org",
                display_name=f"Query {n} {i}",
            )
            _activate(forum.space("in"), person)
        with CaptureQueriesContext(connection) as ctx:
            assert suggest(client, forum.space("in"), "query").status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts


# --- Forms --------------------------------------------------------------------------------------


def test_the_post_forms_offer_the_autocomplete_and_work_without_it(client, forum, thread):
    government = forum.user("in-government")
    login(client, forum.user("member"))
    slug = forum.space("in").slug
    suggest_url = reverse("forums:mention_suggest", args=[slug])
    for url in (
        thread.get_absolute_url(),
        reverse("forums:reply", args=[thread.pk]),
        reverse("forums:new_thread", args=[slug]),
    ):
        page = client.get(url).content.decode()
        assert f'data-mentions="{suggest_url}"' in page, url
        assert "js/mentions.js" in page, url
    # Without JavaScript the handle is typed, and the server links it.
    response = client.post(
        reverse("forums:reply", args=[thread.pk]),
        {"body": f"Over to @{government.handle}", "language": "en"},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert f'class="mention" href="/people/{government.pk}/"' in page
