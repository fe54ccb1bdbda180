"""The crawl engine: request every URL pattern as one role and collect what went wrong.

Checks, for every response:

* ``CANARY`` (caucus content) never appears in the body or the headers;
* ``CAUCUS_NAME_CANARY`` (the caucus's name) appears only for roles entitled to the name;
* an object that is hidden from the role answers exactly like a missing one (same status),
  and never 200 or 403;
* after an empty POST, the caucus (its row, its memberships other than the requester's own,
  its audit entries) is unchanged.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpResponse
from django.test import Client

from accounts.models import User
from accounts.permissions import forget_standing, needs_two_factor
from audit.models import AuditEntry
from dialogue.models import Membership, Space
from tests.access.cases import Case, Value, case_for
from tests.access.urls import ProjectPattern, build_path, project_patterns, resolves_to
from tests.auth import sign_in
from tests.world import CANARY, CAUCUS_NAME_CANARY, World

MISSING = {
    "int": 987654321,
    "slug": "no-such-thing",
    "str": "no-such-thing",
    "path": "no-such-thing",
}


@dataclass
class CrawlReport:
    role: str
    requests: int = 0
    patterns: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)

    def problem(self, method: str, path: str, text: str) -> None:
        self.problems.append(f"[{self.role}] {method.upper()} {path}: {text}")


def patterns_without_case() -> list[ProjectPattern]:
    return [pattern for pattern in project_patterns() if case_for(pattern) is None]


def body_of(response: HttpResponse) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def caucus_snapshot(caucus: Space, exclude_user_id: int | None) -> tuple:
    """What an empty POST from an outsider must not change (their own row aside: cancelling
    their own pending request is theirs to do)."""
    row = tuple(Space.objects.filter(pk=caucus.pk).values_list())
    memberships = tuple(
        Membership.objects.filter(space=caucus)
        .exclude(user_id=exclude_user_id)
        .order_by("pk")
        .values_list("pk", "user_id", "role", "status", "message", "acted_by_id")
    )
    entries = AuditEntry.objects.filter(space=caucus).count()
    return row, memberships, entries


class Crawler:
    def __init__(self, world: World, role: str, *, sees_caucus_name: bool) -> None:
        self.world = world
        self.role = role
        user = world.user(role)
        # A fresh instance: standing and memberships are memoised on user objects.
        self.user = None if user is None else User.objects.get(pk=user.pk)
        self.sees_caucus_name = sees_caucus_name
        self.client = Client()
        self.caucus = world.space("in-workers")
        self.report = CrawlReport(role)
        self._missing_cache: dict[tuple[str, str], int] = {}
        self._provider_cache: dict[object, list[Value]] = {}
        self._login()

    def _login(self) -> None:
        if self.user is not None:
            # Password and code steps for the roles that need two-factor (they have an
            # authenticator, tests.access.fixtures); the password alone for everyone else.
            second_factor = needs_two_factor(self.user)
            forget_standing(self.user)
            sign_in(self.client, self.user, second_factor=second_factor)
            self._session = self.client.cookies[settings.SESSION_COOKIE_NAME].value

    def _relogin_if_signed_out(self) -> None:
        """An empty POST may sign the role out (``account_logout``): sign back in."""
        if self.user is None:
            return
        cookie = self.client.cookies.get(settings.SESSION_COOKIE_NAME)
        if cookie is None or cookie.value != self._session:
            self._login()

    def crawl(self) -> CrawlReport:
        is_staff = self.user is not None and self.user.is_staff
        # Values come from the world as it is before the first request: an empty POST may
        # legitimately change the role's own rows (withdrawing their own request).
        plan = []
        for pattern in project_patterns():
            case = case_for(pattern)
            if case is None:
                self.report.problems.append(
                    f"no case for {pattern} (add one in tests/access/cases.py)"
                )
                continue
            if is_staff and not case.crawl_as_staff:
                continue
            if case.only_roles is not None and self.role not in case.only_roles:
                continue
            combos = self._values(pattern, case)
            if combos is not None:
                plan.append((pattern, case, combos))
        before = caucus_snapshot(self.caucus, self._user_id)
        for pattern, case, combos in plan:
            before = self._crawl_pattern(pattern, case, combos, before)
        return self.report

    @property
    def _user_id(self) -> int | None:
        return None if self.user is None else self.user.pk

    def _values(self, pattern: ProjectPattern, case: Case) -> list[dict[str, Value]] | None:
        """Every combination of the case's values, with ``hidden`` already decided for this
        role (evaluated now, before any request changes the world)."""
        choices = []
        for name in pattern.kwargs:
            provider = case.values.get(name)
            if provider is None:
                self.report.problems.append(f"the case for {pattern} has no values for {name!r}")
                return None
            choices.append([(name, self._decided(value)) for value in self._provided(provider)])
        return [dict(combo) for combo in itertools.product(*choices)]

    def _provided(self, provider) -> list[Value]:
        if provider not in self._provider_cache:
            self._provider_cache[provider] = provider(self.world)
        return self._provider_cache[provider]

    def _decided(self, value: Value) -> Value:
        if value.hidden is None:
            return value
        is_hidden = value.hidden(self.user)
        return Value(
            value.value, hidden=(lambda user: True) if is_hidden else None, label=value.label
        )

    def _crawl_pattern(
        self, pattern: ProjectPattern, case: Case, combos: list[dict[str, Value]], before: tuple
    ) -> tuple:
        reached = False
        for combo in combos:
            path = build_path(pattern, {k: v.value for k, v in combo.items()})
            if not resolves_to(path, pattern):
                continue
            reached = True
            hidden = [
                name for name, v in combo.items() if v.hidden is not None and v.hidden(self.user)
            ]
            for method in case.methods:
                response = self._request(method, path)
                if hidden:
                    self._check_hidden(pattern, combo, hidden, method, path, response)
                if method != "get":
                    self._relogin_if_signed_out()
        if "post" in case.methods:
            # Once per pattern, not per request: the crawl stays fast and still names the
            # endpoint that changed the caucus.
            after = caucus_snapshot(self.caucus, self._user_id)
            if after != before:
                self.report.problems.append(
                    f"[{self.role}] an empty POST to {pattern} changed the caucus"
                )
                before = after
        if reached:
            self.report.patterns.add(pattern.key)
        else:
            self.report.problems.append(
                f"the case for {pattern} produced no URL that resolves to it"
            )
        return before

    def _request(self, method: str, path: str) -> HttpResponse:
        response = getattr(self.client, method)(path)
        self.report.requests += 1
        body = body_of(response)
        headers = "\n".join(f"{k}: {v}" for k, v in response.items()).encode()
        for where, text in (("body", body.lower()), ("headers", headers.lower())):
            # Lower-cased: tags are stored lower-case, and a page may change case in CSS or
            # in a slug; the markers are unique either way.
            if CANARY.lower().encode() in text:
                self.report.problem(method, path, f"caucus content (CANARY) in the {where}")
            if not self.sees_caucus_name and CAUCUS_NAME_CANARY.lower().encode() in text:
                self.report.problem(method, path, f"the caucus's name in the {where}")
        return response

    def _check_hidden(self, pattern, combo, hidden, method, path, response) -> None:
        status = response.status_code
        if status in (200, 403):
            self.report.problem(method, path, f"a hidden object answered {status} (want 404)")
            return
        missing_values = {k: v.value for k, v in combo.items()}
        for name in hidden:
            converter = dict(pattern.converters)[name]
            missing_values[name] = MISSING.get(converter, "no-such-thing")
        missing_path = build_path(pattern, missing_values)
        key = (method, missing_path)
        if key not in self._missing_cache:
            self._missing_cache[key] = self._request(method, missing_path).status_code
            if method != "get":
                self._relogin_if_signed_out()
        if status != self._missing_cache[key]:
            self.report.problem(
                method,
                path,
                f"a hidden object answered {status}, a missing one {self._missing_cache[key]}",
            )
