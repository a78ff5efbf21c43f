"""Text search (`q=`) in a form PostgreSQL's indexes can serve (docs/decisions/0070-name-search-indexes.md).

A term of three or more characters is a plain `icontains`: pg_trgm's GIN index on UPPER(column)
serves it (the cluster's C.UTF-8 ctype makes Chinese characters word characters). pg_trgm cannot
index shorter terms, so for one or two characters a column that has a short-gram index also gets
`registry_short_grams(UPPER(column)) @> ARRAY[UPPER(term)]`: the same rows (every one- and
two-character substring of the name is in the array), found through a GIN index of those arrays.
SQLite has neither and runs the plain `icontains`.

A short term most names carry (宁波 in a Ningbo register) is left to the plain `icontains`: the
short-gram condition would find nearly every row, and PostgreSQL then computes the grams of each
row it reads (about 40 µs a row: 9 s for `q=宁波` at scale 20) where the `LIKE` alone costs a
microsecond. Which grams are that common is what ANALYZE recorded for the index's expression
(`pg_stats.most_common_elems`), read once per process every few minutes. Either way the rows are the
same; only the plan differs (docs/decisions/0440-common-short-terms.md).

A term without letter case (Chinese, digits) matches the same names with or without UPPER(): on a
column with a trigram index of the stored value (`caseless_index`) it is a plain `contains`, which
spares the upper-casing of every name a broad term reads (docs/decisions/0441-caseless-name-search.md).
"""

import time

from django.db import connection
from django.db.models import BooleanField, F, Q
from django.db.models.expressions import Expression

# One- and two-character terms go to the short-gram index; longer ones to pg_trgm.
SHORT_TERM_LENGTH = 2
# The short-gram index of organization names (registry migration 0003; registry migration 0019 adds
# the trigram index of the names as stored, for caseless terms).
ORGANIZATION_NAME_GRAMS = "registry_org_name_grams"
# A gram found in more than this share of an index's rows is common: its term skips the index.
COMMON_GRAM_SHARE = 0.05
# How long a process keeps what it read of the statistics (they change when ANALYZE runs).
STATISTICS_SECONDS = 600

_common_grams: dict[str, tuple[float, frozenset[str]]] = {}


class ShortGramMatch(Expression):
    """`registry_short_grams(UPPER(column::text)) @> ARRAY[UPPER(term)]`, the expression of the index."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, column: str | F, term: str):
        super().__init__()
        self.column = F(column) if isinstance(column, str) else column
        self.term = term

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, expressions):
        (self.column,) = expressions

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        resolved = self.copy()
        resolved.column = self.column.resolve_expression(query, allow_joins, reuse, summarize, for_save)
        return resolved

    def as_sql(self, compiler, connection):
        column, params = compiler.compile(self.column)
        return f"registry_short_grams(UPPER({column}::text)) @> ARRAY[UPPER(%s)]::text[]", [*params, self.term]


def common_grams(index: str) -> frozenset[str]:
    """The grams ANALYZE found in more than COMMON_GRAM_SHARE of the rows of the short-gram `index`
    (none before the first ANALYZE), as of at most STATISTICS_SECONDS ago."""
    now = time.monotonic()
    cached = _common_grams.get(index)
    if cached is not None and now - cached[0] < STATISTICS_SECONDS:
        return cached[1]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
            "WHERE schemaname = current_schema() AND tablename = %s",
            [index],
        )
        row = cursor.fetchone()
    grams = frozenset()
    if row is not None and row[0]:
        grams = frozenset(gram for gram, share in zip(row[0], row[1], strict=False) if share > COMMON_GRAM_SHARE)
    _common_grams[index] = (now, grams)
    return grams


def caseless(term: str) -> bool:
    """No character of `term` has an upper or lower case (so UPPER() changes neither it nor what it matches)."""
    return all(character.upper() == character == character.lower() for character in term)


def contains_text(column: str, term: str, *, short_gram_index: str = "", caseless_index: bool = False) -> Q:
    """`column` contains `term`, case-insensitively. `short_gram_index`: the name of the column's GIN
    index of registry_short_grams (a migration of its app), so short terms that are not common use it
    on PostgreSQL. `caseless_index`: the column also has a trigram index of its stored value, so a
    caseless term is matched as it is."""
    plain = caseless_index and connection.vendor == "postgresql" and caseless(term)
    condition = Q(**{f"{column}__{'contains' if plain else 'icontains'}": term})
    if (
        short_gram_index
        and connection.vendor == "postgresql"
        and 0 < len(term) <= SHORT_TERM_LENGTH
        and term.upper() not in common_grams(short_gram_index)
    ):
        condition &= Q(ShortGramMatch(column, term))
    return condition
