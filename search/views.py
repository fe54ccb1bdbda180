from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.permissions import can_see_people
from search import selectors
from search.forms import SearchForm


class KnownCountPaginator(Paginator):
    """The count comes from the facet query (one pass over the matches, not two)."""

    def __init__(self, *args, count: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._known_count = count

    @property
    def count(self) -> int:
        return self._known_count


def _url_with(base, **changes) -> str:
    params = base.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + params.urlencode()


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Search every space the viewer may read (or one of them, ``?space=``). Without a query
    or filter: just the form. Bad input: the form again with its messages (400)."""
    form = SearchForm(request.user, request.GET or None)
    context: dict[str, object] = {"form": form, "searched": False}
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    elif form.is_bound and form.has_any():
        query, filters = form.parsed, form.filters()
        # Find, count and order the visible matches on narrow rows first; load the page's
        # 20 with their thread, space, post and author afterwards (not every match).
        counts, ranked_ids = selectors.find(
            request.user, query, filters, request.GET.get("page")
        )
        page = KnownCountPaginator(
            ranked_ids, selectors.RESULTS_PER_PAGE, count=counts.total
        ).get_page(request.GET.get("page"))
        results = selectors.load_rows(request.user, list(page.object_list))
        selectors.snippets(results, query)
        base = request.GET.copy()
        base.pop("page", None)
        facets = {"space": counts.spaces, "language": counts.languages}
        current = {"space": request.GET.get("space", ""), "lang": request.GET.get("lang", "")}
        for key, param in (("space", "space"), ("language", "lang")):
            for facet in facets[key]:
                facet.url = _url_with(base, **{param: facet.value})
                facet.current = current[param] == facet.value
        context.update(
            searched=True,
            page=page,
            results=results,
            facets=facets,
            query_string=base.urlencode(),
            show_names=can_see_people(request.user),
            author=filters["author"],
            without_author=_url_with(base, author=None),
        )
    return render(request, "search/search.html", context, status=status)
