"""Who may read memos: exactly who may read their space (the access module decides)."""

from django.shortcuts import get_object_or_404

from dialogue.permissions import readable_spaces
from tests.memos.models import Memo


def visible_memos(user):
    return Memo.objects.filter(space__in=readable_spaces(user))


def get_memo_for_user(user, *, slug: str, pk: int) -> Memo:
    """Missing and hidden alike are 404."""
    return get_object_or_404(visible_memos(user).select_related("space"), space__slug=slug, pk=pk)
