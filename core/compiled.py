"""Subqueries compiled once: for querysets built once per process and cloned per request (the
organizations' list annotations, registry.api.views.annotated_organizations), whose SQL is the same
on every request (bench/README.md: compiling six scalar subqueries was about 1 ms of a list page)."""

from django.db.models import QuerySet, Subquery


class CompiledSubquery(Subquery):
    """A Subquery whose SQL and parameters are kept by connection after their first compiling.

    Sound because a Subquery's SQL depends on its own inner query and the connection alone
    (Subquery.as_sql, Query.as_sql), and Django never changes an expression in place once a query
    holds it: relabelling (a queryset used inside another), resolving again and copying go through
    `copy()`, whose clone starts with nothing kept."""

    def copy(self):
        clone = super().copy()
        clone._compiled = {}
        return clone

    def as_sql(self, compiler, connection, template=None, **extra_context):
        if template is not None or extra_context:
            return super().as_sql(compiler, connection, template, **extra_context)
        key = (connection.alias, connection.vendor)
        compiled = self._compiled.get(key)
        if compiled is None:
            sql, params = super().as_sql(compiler, connection)
            compiled = self._compiled[key] = (sql, tuple(params))
        sql, params = compiled
        return sql, list(params)


def compile_subqueries_once(queryset: QuerySet) -> QuerySet:
    """`queryset` with each of its annotations that is a plain Subquery (not an Exists: its own
    class) turned into a CompiledSubquery; a template to clone, never evaluated itself."""
    queryset = queryset.all()
    annotations = queryset.query.annotations
    for name, expression in list(annotations.items()):
        if type(expression) is Subquery:
            compiled = expression.copy()
            compiled.__class__ = CompiledSubquery
            compiled._compiled = {}
            annotations[name] = compiled
    return queryset
