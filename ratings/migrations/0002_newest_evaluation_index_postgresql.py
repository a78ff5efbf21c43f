"""The index behind "current grade" (ratings.selectors.with_current_grade: the newest rating of each
organization concluded by a day), on PostgreSQL; nothing on SQLite. Written by hand: PostgreSQL-only
SQL, no model state (bench/README.md: `min_grade` at scale 20)."""

from django.db import migrations

FORWARD = [
    "CREATE INDEX IF NOT EXISTS ratings_eval_org_newest ON ratings_evaluation "
    "(organization_id, concluded_on DESC, id DESC)",
]
BACKWARD = ["DROP INDEX IF EXISTS ratings_eval_org_newest"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("ratings", "0001_initial")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD), elidable=False)]
