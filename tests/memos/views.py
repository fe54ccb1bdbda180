from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tests.memos.permissions import get_memo_for_user


def detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    memo = get_memo_for_user(request.user, slug=slug, pk=pk)
    return render(request, "memos/detail.html", {"memo": memo})
