"""Snippets with the matching words marked, safe to put in a page.

PostgreSQL's ``ts_headline`` returns the document's text unescaped, so we ask it for private-use
sentinel characters around matches (never typed by anyone, stripped from indexed text), escape
everything, then turn the sentinels into ``<mark>``. Japanese, Lao and the SQLite fallback are
marked in Python by substring.
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

START, STOP = "\ue000", "\ue001"
SNIPPET_CHARS = 240
BEFORE_MATCH = 60
# ts_headline returns whole "words"; a Japanese sentence is one, so cap what we show.
MAX_HEADLINE_CHARS = 400


def strip_sentinels(text: str) -> str:
    return text.replace(START, "").replace(STOP, "")


def _pattern(terms: list[str]) -> re.Pattern | None:
    terms = sorted({t for t in terms if t}, key=len, reverse=True)
    if not terms:
        return None
    return re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)


def _mark(text: str, pattern: re.Pattern | None) -> str:
    """Escaped ``text`` with every match of ``pattern`` in ``<mark>``."""
    if pattern is None:
        return escape(text)
    out, last = [], 0
    for match in pattern.finditer(text):
        out += [escape(text[last : match.start()]), "<mark>", escape(match.group()), "</mark>"]
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)


def mark_terms(text: str, terms: list[str]) -> SafeString:
    return mark_safe(_mark(text, _pattern(terms)))  # noqa: S308 - escaped in _mark


def window_snippet(text: str, terms: list[str], *, size: int = SNIPPET_CHARS) -> SafeString:
    """A window of ``text`` around the first match, matches marked, with ellipses."""
    pattern = _pattern(terms)
    match = pattern.search(text) if pattern else None
    start = 0 if match is None else max(0, match.start() - BEFORE_MATCH)
    if start:
        space = text.rfind(" ", start - 20, start)
        start = space + 1 if space > 0 else start
    end = min(len(text), start + size)
    if end < len(text):
        space = text.find(" ", end, end + 20)
        end = space if space > 0 else end
    piece = _mark(text[start:end], pattern)
    return mark_safe(("… " if start else "") + piece + (" …" if end < len(text) else ""))  # noqa: S308


def from_headline(headline: str, terms: list[str]) -> SafeString:
    """``ts_headline`` output (sentinels around its matches) → escaped HTML with ``<mark>``;
    the unmarked parts also get ``terms`` marked by substring (the Japanese or Lao part of a
    mixed query)."""
    pattern = _pattern(terms)
    out = []
    for i, part in enumerate(re.split(f"[{START}{STOP}]", headline)):
        if i % 2:
            out.append(f"<mark>{escape(part)}</mark>")
        else:
            out.append(_mark(part, pattern))
    return mark_safe("".join(out))  # noqa: S308 - every part escaped above
