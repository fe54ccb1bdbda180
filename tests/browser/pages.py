"""Which pages each demo account visits in the page-wide checks (axe and CSP).

Accounts here are never changed by any browser test (the journey uses ``unverified@``).
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.browser.helpers import TOTP_BYPASS_CODE


@dataclass(frozen=True)
class Visit:
    email: str
    paths: tuple[str, ...]
    totp: str | None = None

    def __str__(self) -> str:  # readable test ids
        return self.email.split("@")[0]


VISITOR_PAGES = (
    "/",
    "/s/regional-peer-learning/",
    "/s/india-dialogue/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
)

# The forum pages a member of the India dialogue sees. ``/t/1/`` is the first demo thread
# (forums/demo.py: India's pinned floor-wage thread, with replies, supports and tags): the
# browser server's database is fresh each session, so load_demo's ids are stable.
FORUM_PAGES = (
    "/s/india-dialogue/threads/",
    "/s/india-dialogue/threads/new/",
    "/t/1/",
    "/s/india-dialogue/tags/minimum-wage/",
    "/tags/minimum-wage/",
    "/t/1/reply/",
    "/notifications/",
    "/notifications/settings/",
    "/search/?q=wage",
    "/search/?q=%E8%B3%83%E9%87%91&lang=ja",  # 賃金
    "/search/?q=nothing-matches-this",
)

SIGNED_IN_VISITS = (
    Visit(
        "gov.in@demo.example.org",  # verified member, no special role
        (
            "/",
            "/s/india-dialogue/",
            "/s/india-dialogue-government-caucus/",
            "/s/regional-peer-learning/",
            "/people/affiliations/",
            "/people/me/",
            "/accounts/email/",
            "/accounts/password/change/",
            "/accounts/2fa/",
            "/accounts/2fa/totp/activate/",
            *FORUM_PAGES,
        ),
    ),
    Visit(
        "moderator.in@demo.example.org",  # country-space moderator, two-factor
        (
            "/s/india-dialogue/",
            "/s/india-dialogue/members/",
            "/s/india-dialogue/audit/",
            "/s/india-dialogue-government-caucus/",  # eligible, not a member: the join page
            "/accounts/2fa/",
        ),
        TOTP_BYPASS_CODE,
    ),
    Visit(
        "focal.emp.in@demo.example.org",  # focal point, two-factor
        ("/people/focal-point/",),
        TOTP_BYPASS_CODE,
    ),
    Visit(
        "admin@demo.example.org",  # staff, two-factor
        (
            "/",
            "/people/focal-point/",
            "/staff/audit/",
            "/staff/countries/",
            "/staff/caucuses/",
        ),
        TOTP_BYPASS_CODE,
    ),
)
