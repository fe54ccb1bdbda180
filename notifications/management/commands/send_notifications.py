"""Send the digests that are due. Idempotent: meant for a systemd timer or cron every few
minutes (deploy/tripartite-notifications.timer)."""

from django.core.management.base import BaseCommand

from notifications.digests import start_due_digests


class Command(BaseCommand):
    help = "Send the daily and weekly notification digests that are due (idempotent)."

    def handle(self, *args, **options):
        started = start_due_digests()
        self.stdout.write(f"{len(started)} digest(s) started.")
