import time

from django.core.management.base import BaseCommand

from search.services import BATCH_SIZE, rebuild_index


class Command(BaseCommand):
    help = (
        "Rebuild the search index from the forum posts (batched by primary key, idempotent: "
        "live posts are indexed, every other post's row is removed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args, batch_size: int, verbosity: int, **options):
        started = time.monotonic()

        def progress(indexed: int, removed: int) -> None:
            if verbosity > 1:
                self.stdout.write(f"  {indexed} indexed, {removed} removed")

        indexed, removed = rebuild_index(batch_size=batch_size, progress=progress)
        self.stdout.write(
            f"Search index rebuilt: {indexed} posts indexed, {removed} stale rows removed "
            f"in {time.monotonic() - started:.1f} s."
        )
