"""Text search (`q=`) in a form PostgreSQL's indexes can serve (docs/decisions/0070-name-search-indexes.md).

A term of three or more characters is a plain `icontains`: pg_trgm's GIN index on UPPER(column)
serves it (the cluster's C.UTF-8 ctype makes Chinese characters word characters). pg_trgm cannot
index shorter terms, so for one or two characters a column that has a short-gram index also gets
`registry_short_grams(UPPER(column)) @> ARRAY[UPPER(term)]`: the same rows (every one- and
two-character substring of the name is in the array), found through a GIN index of those arrays.
SQLite has neither and runs the plain `icontains`.
"""

from django.db import connection
from django.db.models import BooleanField, F, Q
from django.db.models.expressions import Expression

# One- and two-character terms go to the short-gram index; longer ones to pg_trgm.
SHORT_TERM_LENGTH = 2


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


def contains_text(column: str, term: str, *, short_gram_index: bool = False) -> Q:
    """`column` contains `term`, case-insensitively. `short_gram_index`: the column has the GIN index
    of registry_short_grams (a migration of its app), so short terms use it on PostgreSQL."""
    condition = Q(**{f"{column}__icontains": term})
    if short_gram_index and connection.vendor == "postgresql" and 0 < len(term) <= SHORT_TERM_LENGTH:
        condition &= Q(ShortGramMatch(column, term))
    return condition
