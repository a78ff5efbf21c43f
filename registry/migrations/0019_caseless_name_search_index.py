"""A trigram index of organization names as stored (not upper-cased), for terms without letter case
(Chinese): `name LIKE '%宁波市%'` needs no UPPER() per row, a third of the cost when a term matches most
names (docs/decisions/0441-caseless-name-search.md). PostgreSQL only; nothing on SQLite."""

from django.db import migrations

FORWARD = (
    "CREATE INDEX IF NOT EXISTS registry_org_name_plain_trgm ON registry_organization USING gin (name gin_trgm_ops)"
)
BACKWARD = "DROP INDEX IF EXISTS registry_org_name_plain_trgm"


def run(statement):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("registry", "0018_organization_registered_funds")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD), elidable=False)]
