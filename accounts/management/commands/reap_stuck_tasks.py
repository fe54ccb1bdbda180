"""Mark background tasks left RUNNING by a dead worker as FAILED.

A `db_worker` killed mid-task (OOM, host loss, kill -9) never finishes its row: it stays
RUNNING forever. This command, run by a systemd timer (deploy/tripartite-reap-tasks.timer),
fails tasks that have been running longer than any real task could. It does not re-run them —
an email may already have gone out — so an operator reviews and re-enqueues by hand.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult


class WorkerLost(Exception):
    """Recorded as the failure of a reaped task (importable, as django-tasks resolves it)."""


class Command(BaseCommand):
    help = "Fail database tasks stuck in RUNNING for longer than --older-than minutes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than", type=int, default=60, metavar="MINUTES")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        cutoff = timezone.now() - timedelta(minutes=options["older_than"])
        stuck = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
        if options["dry_run"]:
            count = stuck.count()
        else:
            count = stuck.update(
                status=TaskResultStatus.FAILED,
                finished_at=timezone.now(),
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback=(
                    f"Marked failed by reap_stuck_tasks: RUNNING for over "
                    f"{options['older_than']} minutes, its worker presumed dead."
                ),
            )
        verb = "would mark" if options["dry_run"] else "marked"
        self.stdout.write(f"reap_stuck_tasks: {verb} {count} stuck task(s) as failed.")
