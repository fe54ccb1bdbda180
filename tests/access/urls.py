"""Every URL pattern of the project URLconf, and how to turn one into a path.

``project_patterns()`` walks ``get_resolver()`` recursively; ``build_path()`` fills a
pattern's keyword arguments, for both ``path()`` routes (``<slug:slug>``) and regular
expressions (``(?P<key>[-:\\w]+)``), and ``resolves_to()`` checks the result really reaches
that pattern (a value a regex does not accept falls through to another pattern).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern, RoutePattern

_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class ProjectPattern:
    route: str  # the full pattern text, as ``ResolverMatch.route`` gives it
    name: str  # "namespace:name", or "" for unnamed patterns
    kwargs: tuple[str, ...]
    converters: tuple[tuple[str, str], ...]  # (kwarg, converter name or "regex")
    chain: tuple[object, ...]  # the pattern objects from the root down

    @property
    def key(self) -> str:
        """What cases are registered under: the URL name, or the route for unnamed ones."""
        return self.name or self.route

    def __str__(self) -> str:
        return f"{self.name or '(unnamed)'}  /{self.route}"


def project_patterns() -> list[ProjectPattern]:
    found: list[ProjectPattern] = []

    def walk(resolver: URLResolver, chain: tuple, namespace: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                ns = namespace + (f"{entry.namespace}:" if entry.namespace else "")
                walk(entry, chain + (entry.pattern,), ns)
            elif isinstance(entry, URLPattern):
                full = chain + (entry.pattern,)
                kwargs, converters = [], []
                for part in full:
                    for name, converter in _parameters(part):
                        kwargs.append(name)
                        converters.append((name, converter))
                found.append(
                    ProjectPattern(
                        route=_join_route(full),
                        name=(namespace + entry.name) if entry.name else "",
                        kwargs=tuple(kwargs),
                        converters=tuple(converters),
                        chain=full,
                    )
                )

    walk(get_resolver(), (), "")
    return found


def _join_route(parts) -> str:
    """The route as ``ResolverMatch.route`` spells it (Django drops a nested regex's ``^``)."""
    route = ""
    for part in parts:
        text = str(part)
        if route and text.startswith("^"):
            text = text[1:]
        route += text
    return route


def _parameters(part) -> list[tuple[str, str]]:
    if isinstance(part, RoutePattern):
        return [
            (m.group("name"), m.group("converter") or "str")
            for m in _ROUTE_PARAM.finditer(str(part))
        ]
    if isinstance(part, RegexPattern):
        return [(name, "regex") for name in part.regex.groupindex]
    return []


def build_path(pattern: ProjectPattern, values: dict[str, object]) -> str:
    pieces = []
    for part in pattern.chain:
        text = str(part)
        if isinstance(part, RoutePattern):
            text = _ROUTE_PARAM.sub(lambda m: str(values[m.group("name")]), text)
        elif isinstance(part, RegexPattern):
            text = _fill_regex(text, values)
        pieces.append(text)
    return "/" + "".join(pieces)


def _fill_regex(regex: str, values: dict[str, object]) -> str:
    out, i = [], 0
    while i < len(regex):
        if regex.startswith("(?P<", i):
            end_name = regex.index(">", i)
            name = regex[i + 4 : end_name]
            depth, j = 1, end_name + 1
            while depth:
                if regex[j] == "\\":
                    j += 2
                    continue
                depth += {"(": 1, ")": -1}.get(regex[j], 0)
                j += 1
            out.append(str(values[name]))
            i = j
        elif regex[i] == "\\" and i + 1 < len(regex):
            out.append(regex[i + 1])
            i += 2
        elif regex[i] in "^$":
            i += 1
        else:
            out.append(regex[i])
            i += 1
    return "".join(out)


def resolves_to(path: str, pattern: ProjectPattern) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.route == pattern.route
