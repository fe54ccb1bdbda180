"""Read state under concurrent requests (PostgreSQL): ``forums.readstate.mark_read`` is a
monotonic upsert, so racing page views end at the highest post number shown, in one row.

In a module of its own: the forum tests' module-wide world holds a transaction open, and these
threads need committed rows (``transaction=True``)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from forums import readstate
from forums.models import Thread, ThreadReadState


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_marks_end_at_the_highest_number():
    from dialogue.models import Space
    from tests.factories import make_user

    user = make_user()
    space = Space.objects.create(
        name="Race", slug="race", kind=Space.Kind.REGIONAL, visibility=Space.Visibility.PUBLIC
    )
    thread = Thread.objects.create(space=space, title="Race", last_post_number=400)
    numbers = list(range(1, 401))
    numbers.reverse()  # the highest first: every later call must leave it alone
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def work(chunk: list[int]) -> None:
        try:
            barrier.wait()
            for number in chunk:
                readstate.mark_read(user, thread, number)
        except BaseException as error:  # noqa: BLE001 — reported below
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=work, args=(numbers[i::8],)) for i in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert list(
        ThreadReadState.objects.filter(user=user).values_list("last_read_number", flat=True)
    ) == [400]

    # And from nothing: eight first visits at once make one row, at the highest number.
    other = Thread.objects.create(space=space, title="Race 2", last_post_number=400)
    barrier = threading.Barrier(8)

    def first_visit(number: int) -> None:
        try:
            barrier.wait()
            readstate.mark_read(user, other, number)
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    workers = [
        threading.Thread(target=first_visit, args=(n,)) for n in (10, 400, 20, 30, 40, 50, 60, 70)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert list(
        ThreadReadState.objects.filter(thread=other).values_list("last_read_number", flat=True)
    ) == [400]
