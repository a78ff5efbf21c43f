"""Indexes for `q=` and the lists' filters on PostgreSQL; nothing on SQLite (bench/README.md,
docs/decisions/0070-name-search-indexes.md). Written by hand: PostgreSQL-only SQL, no model state."""

from django.db import migrations

SHORT_GRAMS = """
CREATE OR REPLACE FUNCTION registry_short_grams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(value, i, n)), '{}')
    FROM generate_series(1, 2) AS n, generate_series(1, char_length(value)) AS i
    WHERE i + n - 1 <= char_length(value)
$$
"""

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    SHORT_GRAMS,
    # q= on organizations: names (3+ characters by trigrams, 1-2 by short grams) and credit codes.
    "CREATE INDEX IF NOT EXISTS registry_org_name_trgm ON registry_organization "
    "USING gin (UPPER(name::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS registry_org_name_grams ON registry_organization "
    "USING gin (registry_short_grams(UPPER(name::text)))",
    "CREATE INDEX IF NOT EXISTS registry_org_uscc_trgm ON registry_organization USING gin (uscc gin_trgm_ops)",
    # q= on filings: names and filing numbers.
    "CREATE INDEX IF NOT EXISTS registry_filing_name_trgm ON registry_communityorganization "
    "USING gin (UPPER(name::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS registry_filing_number_trgm ON registry_communityorganization "
    "USING gin (UPPER(filing_number::text) gin_trgm_ops)",
]

BACKWARD = [
    "DROP INDEX IF EXISTS registry_filing_number_trgm",
    "DROP INDEX IF EXISTS registry_filing_name_trgm",
    "DROP INDEX IF EXISTS registry_org_uscc_trgm",
    "DROP INDEX IF EXISTS registry_org_name_grams",
    "DROP INDEX IF EXISTS registry_org_name_trgm",
    "DROP FUNCTION IF EXISTS registry_short_grams(text)",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_filings_inspections_credit_party")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD), elidable=False)]
