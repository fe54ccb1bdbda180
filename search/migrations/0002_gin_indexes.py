"""GIN indexes on the two text-search columns, on PostgreSQL only (SQLite has no tsvector;
the embedded default searches by substring instead)."""

from django.db import migrations

INDEXES = {
    "search_entry_tsv_gin": "tsv",
    "search_entry_bigrams_gin": "bigrams",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON search_searchentry USING gin ({column})"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
