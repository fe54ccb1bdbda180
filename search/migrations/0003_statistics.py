"""Finer statistics on the two text-search columns (PostgreSQL only). With the default target
the planner misjudges how many rows a bigram matches (a literal '賃金' is rarely among the
most common lexemes it samples) and probes the visibility subqueries row by row."""

from django.db import migrations


def raise_target(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE search_searchentry ALTER COLUMN tsv SET STATISTICS 1000, "
        "ALTER COLUMN bigrams SET STATISTICS 1000"
    )


def reset_target(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE search_searchentry ALTER COLUMN tsv SET STATISTICS -1, "
        "ALTER COLUMN bigrams SET STATISTICS -1"
    )


class Migration(migrations.Migration):
    dependencies = [("search", "0002_gin_indexes")]

    operations = [migrations.RunPython(raise_target, reset_target, elidable=False)]
