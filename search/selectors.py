"""Search queries. Every query starts from ``search.registry.visible_entries(user, filters)``
(built on ``forums.permissions.visible_posts``), so results, counts, facets and snippets only
ever come from rows the searcher may see.

PostgreSQL: the word part of a query matches ``tsv`` (``websearch_to_tsquery`` with the
``english`` configuration OR'd with ``simple``, since each row was indexed with its own
language's configuration), the Japanese/Lao/Thai runs match ``bigrams`` (adjacent pairs);
both must match. Ranked by ``ts_rank`` (titles weigh A, so a title match comes first), then
newest. SQLite: every term must appear in the title or the text (``icontains``); title
matches first, then newest.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import reduce
from operator import and_

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, Count, F, FloatField, Q, QuerySet, Value, When

from dialogue.models import Space
from search import highlight
from search.models import SearchEntry
from search.registry import visible_entries
from search.services import _config_sql
from search.text import ParsedQuery

RESULTS_PER_PAGE = 20
FACET_LIMIT = 12


class LiteralTsQuery(SearchQuery):
    """A ``tsquery`` from its literal text form (``'ab' <-> 'bc'``), bypassing the parser
    (which would split Lao at its vowel signs). A ``SearchQuery`` so that ``@@`` lookups and
    ``SearchRank`` take it as it is."""

    def __init__(self, literal: str) -> None:
        super().__init__(Value(literal))

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql})::tsquery", params


def _word_query(words: str):
    return SearchQuery(words, config="english", search_type="websearch") | SearchQuery(
        words, config="simple", search_type="websearch"
    )


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def matching(user, query: ParsedQuery, filters: dict[str, object]) -> QuerySet[SearchEntry]:
    """Visible rows matching the query and filters (unordered, for counts and facets)."""
    qs = visible_entries(user, {k: v for k, v in filters.items() if k not in _ROW_FILTERS})
    for name, value in filters.items():
        if name in _ROW_FILTERS and value not in (None, ""):
            qs = qs.filter(_ROW_FILTERS[name](value))
    if is_postgres():
        if query.words:
            qs = qs.filter(tsv=_word_query(query.words))
        if query.runs:
            qs = qs.filter(bigrams=LiteralTsQuery(query.run_tsquery))
    else:
        for term in query.terms:
            qs = qs.filter(Q(title__icontains=term) | Q(body__icontains=term))
        for term in query.excluded:
            qs = qs.exclude(Q(title__icontains=term) | Q(body__icontains=term))
    return qs


# Filters every kind shares, on the index row itself.
_ROW_FILTERS = {
    "language": lambda value: Q(language=value),
    "created_from": lambda value: Q(created_at__gte=value),
    "created_before": lambda value: Q(created_at__lt=value),
}


def _rank(query: ParsedQuery):
    if query.is_empty:
        return Value(0.0, output_field=FloatField())
    if is_postgres():
        parts = []
        if query.words:
            parts.append(SearchRank(F("tsv"), _word_query(query.words)))
        if query.runs:
            parts.append(SearchRank(F("bigrams"), LiteralTsQuery(query.run_tsquery)))
        return reduce(lambda a, b: a + b, parts)
    in_title = reduce(and_, [Q(title__icontains=t) for t in query.terms])
    return Case(When(in_title, then=Value(1.0)), default=Value(0.0), output_field=FloatField())


def ranked(qs: QuerySet[SearchEntry], query: ParsedQuery) -> QuerySet[SearchEntry]:
    """Every match ranked (title matches first, then newest): the embedded default's order,
    and PostgreSQL's when the query has no words (a filtered listing, newest first)."""
    return qs.annotate(rank=_rank(query)).order_by("-rank", "-created_at", "-pk")


# On PostgreSQL, ``ts_rank`` is computed for the newest RANK_WINDOW matches only: it reads
# each row's whole vector (a Lao post's bigram vector is ~2 kB, TOASTed), which cost more
# than finding the matches. Matches beyond the window follow, newest first.
RANK_WINDOW = 1000


def found_sql(
    user, query: ParsedQuery, filters: dict[str, object], offset: int = 0, limit: int = 20
) -> tuple[str, list]:
    """One statement (PostgreSQL, a query with words or runs) that visits the visible
    matches once: ``m`` holds them (id, date, space, language — narrow columns, built by
    ``matching`` from ``visible_entries``), ``o`` numbers them newest first, and the result
    order is the newest RANK_WINDOW by ``ts_rank`` (then newest), then the rest newest
    first. Rows: ``(0, space_id, language, n)`` for each space and language group (the exact
    counts, from the same visible rows), then ``(1, id, NULL, position)`` for the page's rows
    ``offset`` … ``offset + limit``."""
    values = (
        matching(user, query, filters)
        .order_by()
        .values_list("pk", "created_at", "thread__space_id", "language")
    )
    match_sql, match_params = values.query.sql_with_params()
    base = SearchEntry.objects.all().query
    compiler = base.get_compiler(connection=connection)
    rank_sql, rank_params = compiler.compile(_rank(query).resolve_expression(base))
    table = connection.ops.quote_name(SearchEntry._meta.db_table)
    # The rank is a scalar subquery behind CASE, so it runs for the window's rows only,
    # whatever plan the (poorly estimated) match count leads the planner to.
    sql = (
        f"WITH m (id, created_at, space_id, language) AS MATERIALIZED ({match_sql}), "
        "o AS (SELECT m.*, row_number() OVER (ORDER BY created_at DESC, id DESC) AS n FROM m), "
        "p AS (SELECT id, row_number() OVER (ORDER BY (n > %s), "
        f"CASE WHEN n <= %s THEN (SELECT COALESCE({rank_sql}, 0) FROM {table} "
        f"WHERE {table}.id = o.id) END DESC, "
        "created_at DESC, id DESC) AS pos FROM o) "
        "SELECT 0, space_id, language, count(*) FROM m GROUP BY space_id, language "
        "UNION ALL "
        "SELECT 1, id, NULL, pos FROM p WHERE pos > %s AND pos <= %s"
    )
    return sql, [
        *match_params,
        RANK_WINDOW,
        RANK_WINDOW,
        *rank_params,
        offset,
        offset + limit,
    ]


class _PageIds:
    """The ordered ids as the paginator sees them: ``len`` is the exact count; the slice
    fetched with the counts is served from memory, any other slice (a page number out of
    range, which the paginator turns into the last page) runs the statement again."""

    def __init__(self, fetch, total: int, offset: int, ids: list[int]) -> None:
        self._fetch, self._total, self._offset, self._ids = fetch, total, offset, ids

    def __len__(self) -> int:
        return self._total

    def __getitem__(self, item):
        if not isinstance(item, slice) or item.step not in (None, 1):
            raise TypeError("only page slices are supported")
        start = item.start or 0
        stop = self._total if item.stop is None else item.stop
        if stop <= start:
            return []
        if start == self._offset and stop - start <= RESULTS_PER_PAGE:
            return self._ids[: stop - start]
        return self._fetch(start, stop - start)[1]


def _page_offset(page_number) -> int:
    try:
        return max(0, (int(page_number) - 1) * RESULTS_PER_PAGE)
    except (TypeError, ValueError):
        return 0


def find(user, query: ParsedQuery, filters: dict[str, object], page_number=None):
    """``(summary, ids)``: the counts and facets of the visible matches and their ids in
    result order (something the paginator can slice)."""
    if not is_postgres() or query.is_empty:
        qs = matching(user, query, filters)
        return summary(qs), ranked(qs, query).values_list("pk", flat=True)

    def fetch(offset: int, limit: int):
        sql, params = found_sql(user, query, filters, offset, limit)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        groups = [(space, language, n) for part, space, language, n in rows if part == 0]
        page = sorted((pos, pk) for part, pk, _none, pos in rows if part == 1)
        return groups, [pk for _pos, pk in page]

    offset = _page_offset(page_number)
    groups, ids = fetch(offset, RESULTS_PER_PAGE)
    result = _summary_from_groups(groups)
    return result, _PageIds(fetch, result.total, offset, ids)


def load_rows(user, ids: list[int]) -> list[SearchEntry]:
    """The page's rows, in ``ids``' order, with what the results show (one query; visibility
    applied again, so nothing hidden between the two queries is shown)."""
    rows = (
        visible_entries(user)
        .filter(pk__in=ids)
        .select_related(
            "post", "post__author", "post__author_organization", "thread", "thread__space"
        )
        .defer("tsv", "bigrams", "post__body_markdown", "post__body_html")
    )
    by_pk = {row.pk: row for row in rows}
    return [by_pk[pk] for pk in ids if pk in by_pk]


@dataclass
class Facet:
    value: str
    label: str
    count: int
    url: str = ""
    current: bool = False


@dataclass
class Summary:
    total: int
    spaces: list[Facet]
    languages: list[Facet]


def summary(qs: QuerySet[SearchEntry]) -> Summary:
    """The number of matching visible rows and their counts by space and by language, from one
    grouped query (each match is visited once for all three)."""
    groups = (
        qs.order_by()
        .values("thread__space__slug", "thread__space__name", "language")
        .annotate(n=Count("pk"))
    )
    spaces: dict[tuple[str, str], int] = {}
    languages: dict[str, int] = {}
    total = 0
    for row in groups:
        key = (row["thread__space__slug"], row["thread__space__name"])
        spaces[key] = spaces.get(key, 0) + row["n"]
        languages[row["language"]] = languages.get(row["language"], 0) + row["n"]
        total += row["n"]
    return _summary(total, spaces, languages)


def _summary(total: int, spaces: dict[tuple[str, str], int], languages: dict[str, int]):
    names = dict(SearchEntry._meta.get_field("language").choices)
    by_space = sorted(spaces.items(), key=lambda item: (-item[1], item[0][1]))[:FACET_LIMIT]
    return Summary(
        total=total,
        spaces=[Facet(slug, name, n) for (slug, name), n in by_space],
        languages=[
            Facet(code, str(names.get(code, code)), n)
            for code, n in sorted(languages.items(), key=lambda item: -item[1])
        ],
    )


def _summary_from_groups(groups) -> Summary:
    """Count and facets from ``found_sql``'s group rows (space names in one small query)."""
    spaces_by_id: Counter = Counter()
    languages: Counter = Counter()
    for space, language, n in groups:
        spaces_by_id[space] += n
        languages[language] += n
    named = {
        space.pk: (space.slug, space.name)
        for space in Space.objects.filter(pk__in=list(spaces_by_id)).only("slug", "name")
    }
    spaces = {named[pk]: n for pk, n in spaces_by_id.items()}
    return _summary(sum(spaces_by_id.values()), spaces, dict(languages))


def snippets(rows: list[SearchEntry], query: ParsedQuery) -> None:
    """Set ``snippet`` and ``marked_title`` on each row of a page (one query on PostgreSQL
    when the query has words: ``ts_headline`` for the rows whose language has word
    boundaries; everything else is marked in Python)."""
    terms = query.terms
    headlines: dict[int, tuple[str, str]] = {}
    wanted = [r.pk for r in rows if r.language not in ("ja", "lo")]
    if is_postgres() and query.words and wanted:
        options = (
            f"StartSel={highlight.START}, StopSel={highlight.STOP}, MaxWords=30, MinWords=12, "
            'MaxFragments=2, FragmentDelimiter=" … "'
        )
        config = _config_sql("language")
        tsquery = "(websearch_to_tsquery('english', %s) || websearch_to_tsquery('simple', %s))"
        sql = (
            f"SELECT id, ts_headline({config}, body, {tsquery}, %s), "
            f"ts_headline({config}, title, {tsquery}, %s) "
            "FROM search_searchentry WHERE id = ANY(%s)"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                sql,
                [
                    query.words,
                    query.words,
                    options,
                    query.words,
                    query.words,
                    f"HighlightAll=true, StartSel={highlight.START}, StopSel={highlight.STOP}",
                    wanted,
                ],
            )
            headlines = {pk: (body, title) for pk, body, title in cursor.fetchall()}
    run_terms = list(query.runs)
    for row in rows:
        title = row.title or row.thread.title
        if row.pk in headlines:
            body, marked_title = headlines[row.pk]
            if len(highlight.strip_sentinels(body)) > highlight.MAX_HEADLINE_CHARS:
                row.snippet = highlight.window_snippet(row.body, terms)
            else:
                row.snippet = highlight.from_headline(body, run_terms)
            row.marked_title = (
                highlight.from_headline(marked_title, run_terms)
                if row.title
                else highlight.mark_terms(title, terms)
            )
        else:
            row.snippet = highlight.window_snippet(row.body, terms)
            row.marked_title = highlight.mark_terms(title, terms)
