"""Markdown → sanitized HTML, once, at write time.

Two layers, so one mistake cannot open a hole:

1. Python-Markdown with raw HTML switched off (its HTML block preprocessor and inline HTML
   patterns are removed, so ``<script>`` in a post is *text*, shown as typed) and images off
   (images from arbitrary hosts would track readers; the CSP blocks them anyway).
2. nh3 (the Rust ``ammonia`` sanitizer) with an explicit allow-list of tags, attributes and URL
   schemes (http, https, mailto; relative links). Every link gets
   ``rel="nofollow ugc noopener"``.

Input is bounded before parsing: Python-Markdown recurses per nesting level and its link
parser is quadratic in unmatched brackets, so very long, deeply nested or bracket-heavy input
is refused with a ValidationError a user can act on, instead of tying up a worker.
"""

from __future__ import annotations

import re

import markdown as markdown_lib
import nh3
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_LENGTH = 50_000
MAX_NESTING = 16
MAX_INDENT = 128
MAX_BRACKETS = 500

ALLOWED_TAGS = {
    "p", "br", "hr", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"

# Leading block markers of one line: blockquote ">", bullets, ordered-list numbers.
_LEADING_MARKERS = re.compile(r"^(?:[ \t]*(?:>|[*+-]|\d{1,9}[.)])(?=[ \t]|$|>))+")
_MARKER = re.compile(r">|[*+-]|\d{1,9}[.)]")
_HEADING = re.compile(r"<(/?)h([1-6])(?=[\s>])")


def _build_markdown() -> markdown_lib.Markdown:
    md = markdown_lib.Markdown(
        extensions=["fenced_code", "tables", "sane_lists"],
        extension_configs={"tables": {"use_align_attribute": True}},
        output_format="html",
    )
    # Raw HTML is never interpreted: with these gone, "<b>" stays the text "<b>".
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    for name in ("image_link", "image_reference", "short_image_ref"):
        md.inlinePatterns.deregister(name)
    return md


def check_bounds(text: str) -> None:
    """Refuse input whose parsing cost is unbounded. Raises ValidationError."""
    if len(text) > MAX_LENGTH:
        raise ValidationError(
            _("This text is too long (%(length)d characters; the limit is %(limit)d)."),
            code="too_long",
            params={"length": len(text), "limit": MAX_LENGTH},
        )
    if text.count("[") > MAX_BRACKETS:
        raise ValidationError(
            _("This text has too many square brackets (the limit is %(limit)d)."),
            code="too_many_brackets",
            params={"limit": MAX_BRACKETS},
        )
    for line in text.splitlines():
        expanded = line.expandtabs(4)
        indent = len(expanded) - len(expanded.lstrip(" "))
        match = _LEADING_MARKERS.match(line)
        depth = len(_MARKER.findall(match.group(0))) if match else 0
        if depth > MAX_NESTING or indent > MAX_INDENT:
            raise ValidationError(
                _("This text is nested too deeply (quotes or lists more than %(limit)d levels)."),
                code="too_deep",
                params={"limit": MAX_NESTING},
            )


def _shift_headings(html: str) -> str:
    # A post sits under the page's h1/h2: "# Title" in a post becomes h3, so headings keep
    # their order for screen readers.
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 2, 6)}", html)


_UNSAFE_URL_CHARS = re.compile(r"[\x00-\x20\x7f]")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    # Browsers drop tabs and newlines inside URLs ("java\tscript:" runs), and a URL with raw
    # whitespace or control characters is never one a person meant: drop the link target.
    if attribute == "href" and _UNSAFE_URL_CHARS.search(value.strip()):
        return None
    return value


def sanitize(html: str) -> str:
    """The allow-list sanitizer on its own (also used for anything else we must show)."""
    return nh3.clean(
        html,
        attribute_filter=_attribute_filter,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
        # Mention links (forums.mentions) are styled; no other class survives.
        allowed_classes={"a": {"mention"}},
    )


def render(text: str, *, mention_processor=None) -> str:
    """Render a post's Markdown to safe HTML. Raises ValidationError for unbounded input.

    ``mention_processor`` (``forums.mentions.MentionProcessor``) turns resolved ``@handles``
    into mention links."""
    check_bounds(text)
    md = _build_markdown()
    if mention_processor is not None:
        # After links and autolinks (their text is excluded), before emphasis (a handle may
        # hold "_").
        md.inlinePatterns.register(mention_processor, "mention", 105)
    try:
        html = md.convert(text)
    except RecursionError:
        raise ValidationError(
            _("This text is nested too deeply to display."), code="too_deep"
        ) from None
    return sanitize(_shift_headings(html))
