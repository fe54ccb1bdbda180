"""Text handling shared by the indexer and the query builder: plain text from a post's HTML,
runs of scripts written without spaces (Japanese, Chinese characters, Lao, Thai) and their
overlapping character pairs (bigrams), and the split of a query into words and such runs.

PostgreSQL's text-search parser makes a whole Japanese or Lao sentence one token, so a
two-character word inside it is never found. For those runs we index every pair of adjacent
characters (and the run's last character on its own, so a one-character query can still be
answered by a prefix match), written as a ``tsvector`` literal — never through the parser,
which splits Lao at its combining vowel signs — and query with the pairs of the query joined
by ``<->`` (adjacent, in order).
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

from django.utils.html import strip_tags

# Scripts without spaces between words. Lao and Thai: their Unicode blocks (combining vowel
# signs and tone marks included). CJK: hiragana, katakana (with the prolonged sound mark),
# CJK unified ideographs (and extension A), compatibility ideographs, half-width katakana.
UNSPACED = (
    "\u0e00-\u0e7f"  # Thai
    "\u0e80-\u0eff"  # Lao
    "\u3005\u3006\u3007"  # 々 〆 〇
    "\u3040-\u30ff"  # hiragana, katakana, ー
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\uff66-\uff9f"  # half-width katakana
)
UNSPACED_RUN = re.compile(f"[{UNSPACED}]+")

# PostgreSQL keeps at most 256 positions per lexeme and positions up to 16383.
MAX_POSITIONS_PER_LEXEME = 256
MAX_POSITION = 16383
# Bigram lexemes of a title carry weight A (ranked first), of a body the default D.
TITLE_WEIGHT = "A"

# What a person may type: long enough for a sentence, short enough to bound the query's cost.
MAX_QUERY_LENGTH = 200


# Private-use characters the highlighter uses as match sentinels (search.highlight): never
# part of indexed or queried text.
SENTINELS = {0xE000: None, 0xE001: None}


def normalize(text: str) -> str:
    return unicodedata.normalize("NFC", text).translate(SENTINELS)


def plain_text(body_html: str) -> str:
    """The words of a rendered post, without markup (entities decoded, whitespace collapsed)."""
    text = html.unescape(strip_tags(body_html.replace("<", " <")))
    return normalize(" ".join(text.split()))


def unspaced_runs(text: str) -> list[str]:
    return UNSPACED_RUN.findall(normalize(text))


def grams_of_run(run: str) -> list[str]:
    """Adjacent pairs of a run, then its last character alone (see the module docstring)."""
    return [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]


def _quote(lexeme: str) -> str:
    # Only characters of the UNSPACED ranges reach here: no quote or backslash to escape.
    return "'" + lexeme + "'"


def bigram_vector(title: str, body: str) -> str:
    """A ``tsvector`` literal (cast with ``::tsvector``) of the bigrams of every unspaced run of
    ``title`` (weight A) and ``body``; empty string when there is none."""
    positions: dict[str, list[str]] = {}
    position = 0
    for text, weight in ((title, TITLE_WEIGHT), (body, "")):
        for run in unspaced_runs(text):
            for gram in grams_of_run(run):
                position = min(position + 1, MAX_POSITION)
                slots = positions.setdefault(gram, [])
                if len(slots) < MAX_POSITIONS_PER_LEXEME:
                    slots.append(f"{position}{weight}")
            position = min(position + 1, MAX_POSITION)  # runs are not adjacent to each other
    return " ".join(f"{_quote(gram)}:{','.join(slots)}" for gram, slots in positions.items())


def run_tsquery(run: str) -> str:
    """The ``tsquery`` literal matching ``run`` inside an indexed run: its pairs, adjacent and in
    order; a one-character run matches a pair that starts with it or a run's last character."""
    if len(run) == 1:
        return f"({_quote(run)}:* | {_quote(run)})"
    pairs = [run[i : i + 2] for i in range(len(run) - 1)]
    return "(" + " <-> ".join(_quote(pair) for pair in pairs) + ")"


@dataclass(frozen=True)
class ParsedQuery:
    """A query split into the part for the word index and the unspaced runs."""

    text: str
    words: str  # what remains once the runs are taken out (websearch syntax)
    runs: tuple[str, ...]

    @property
    def is_empty(self) -> bool:
        return not self.words and not self.runs

    @property
    def run_tsquery(self) -> str:
        return " & ".join(run_tsquery(run) for run in self.runs)

    def _words(self) -> list[str]:
        return [w for w in self.words.split() if w.lower() != "or"]

    @property
    def terms(self) -> list[str]:
        """What must appear (SQLite) and what to highlight: the runs, and the words without
        websearch syntax (quotes), negated words left out."""
        words = [w.strip('"') for w in self._words() if not w.startswith("-")]
        return list(self.runs) + [w for w in words if w]

    @property
    def excluded(self) -> list[str]:
        """Words written ``-word``: must not appear."""
        return [w[1:].strip('"') for w in self._words() if w.startswith("-") and len(w) > 1]


def parse_query(text: str) -> ParsedQuery:
    text = normalize(" ".join(text.split()))
    runs = tuple(dict.fromkeys(unspaced_runs(text)))
    words = " ".join(UNSPACED_RUN.sub(" ", text).split())
    # A lone operator character left between runs means nothing on its own.
    if not any(ch.isalnum() for ch in words):
        words = ""
    return ParsedQuery(text=text, words=words, runs=runs)
