"""A query of one value, compiled to SQL once per process and database, then run for each value.

Django turns a queryset into SQL every time it runs. For the two rows that every signed-in
request reads (its session, and its user with the study profile) that costs several times what
running the SQL costs, so those two lookups compile once and keep the statement, the columns it
selects and the converters the ORM would apply to them (datetimes made aware, JSON decoded).
Rows come back as the ORM would give them; `instances` builds the models from them.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db import connections

# Stands for the value while the statement is compiled: the compiled parameters must be exactly
# this, so the statement has one placeholder and it is the looked-up value's.
_SAMPLE = 0


class CompiledQuery:
    """`make_queryset(value)` filters on that one value (a primary key, a session key)."""

    def __init__(self, make_queryset):
        self._make_queryset = make_queryset
        self._compiled = {}

    def _compile(self, alias):
        compiler = self._make_queryset(_SAMPLE).query.get_compiler(alias)
        sql, params = compiler.as_sql()
        if [str(param) for param in params] != [str(_SAMPLE)]:
            raise ImproperlyConfigured(f"a compiled query takes one value, not {params!r}")
        columns = [column for column, _sql, _alias in compiler.select]
        converters = compiler.get_converters(columns)
        fields = [(column.target.model, column.target.attname) for column in columns]
        self._compiled[alias] = sql, compiler, converters, fields
        return self._compiled[alias]

    def fields(self, alias="default"):
        """(model, attname) of each selected column, in order."""
        return (self._compiled.get(alias) or self._compile(alias))[3]

    def row(self, value, alias="default"):
        """The first row for `value`, converted as the ORM converts it, or None. One query."""
        sql, compiler, converters, _fields = self._compiled.get(alias) or self._compile(alias)
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, [value])
            row = cursor.fetchone()
        if row is None or not converters:
            return row
        return next(iter(compiler.apply_converters([row], converters)))

    def instances(self, row, alias="default"):
        """{model: instance} of each model the row selects; a model whose primary key is NULL
        (a LEFT JOIN that found nothing) is left out."""
        values = {}
        for (model, attname), value in zip(self.fields(alias), row, strict=True):
            values.setdefault(model, ([], []))
            values[model][0].append(attname)
            values[model][1].append(value)
        return {
            model: model.from_db(alias, names, row_values)
            for model, (names, row_values) in values.items()
            if row_values[names.index(model._meta.pk.attname)] is not None
        }
