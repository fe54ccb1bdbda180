"""One helper for the rule that list and detail pages cost the same number of queries
whatever the amount of data behind them."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db import connection
from django.test.utils import CaptureQueriesContext


def assert_same_queries_at_two_sizes(
    grow: Callable[[int], object],
    request: Callable[[], object],
    *,
    sizes: Sequence[int] = (2, 12),
) -> int:
    """Calls ``grow(n)`` (add ``n`` more rows) then ``request()`` for each size, counting the
    queries of ``request`` alone, and fails with both counts and the queries of the larger run
    when they differ. Returns the count, for a test that also wants a ceiling."""
    counts: list[int] = []
    captured: list[list[str]] = []
    for size in sizes:
        grow(size)
        with CaptureQueriesContext(connection) as ctx:
            request()
        counts.append(len(ctx))
        captured.append([q["sql"] for q in ctx.captured_queries])
    if len(set(counts)) != 1:
        listing = "\n".join(f"  {sql}" for sql in captured[-1])
        raise AssertionError(
            f"queries grow with the data: {counts} at sizes {list(sizes)}; at the largest:\n{listing}"
        )
    return counts[0]
