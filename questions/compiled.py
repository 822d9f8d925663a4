"""Querysets compiled to SQL once per process and database, then run again for other values.

Django turns a queryset into SQL every time it runs, and for the small lookups that every page
makes (the session, the user with the study profile, the question in the URL, the next card
due) that costs several times what running the SQL costs. A `CompiledQuery` builds its queryset
once from sample values, keeps the statement, where each value goes in it and the converters the
ORM applies to its columns (datetimes made aware, JSON decoded), and then only runs it.
Each one is tested against its queryset run by the ORM (tests/test_compiled_queries.py).
"""

from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from django.core.exceptions import ImproperlyConfigured
from django.db import connections

_INT64 = range(-(2**63), 2**63)


class _Compiled(NamedTuple):
    sql: str
    places: list  # per parameter: the name of the value it takes, or None for a constant
    constants: tuple  # the compiled parameters (the constants' values at their places)
    compiler: object
    converters: dict
    models: dict  # {model: (attnames, their columns' places in a row)}


def _sample(kind, number):
    """The `number`th value of `kind` to compile with: values that no constant of a query is, so
    each parameter of the compiled statement that equals one of them is that value's place."""
    if kind is int:
        # Positive and within 32 bits: the ORM drops a comparison with a value out of its
        # field's range (a negative count is never less than a positive field).
        return 7_300_001 + number
    if kind is str:
        return f"\x00compiled-sample-{number}"
    if kind is datetime:
        return datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=UTC) + timedelta(seconds=number)
    raise ImproperlyConfigured(f"compiled query: no sample of {kind!r}")


class CompiledQuery:
    """`make_queryset(**values)` builds the queryset; `types` names each value's type (int, str
    or datetime), so that it can be compiled from a sample of that type. Its first row only,
    unless `many`."""

    def __init__(self, make_queryset, *, many=False, **types):
        self._make_queryset = make_queryset
        self._many = many
        self._types = types
        self._compiled = {}

    def _compile(self, alias):
        connection = connections[alias]
        samples = {name: _sample(kind, n) for n, (name, kind) in enumerate(self._types.items())}
        queryset = self._make_queryset(**samples)
        if not self._many:
            # Its first row only: row() reads one, and a driver may fetch every row it is sent.
            queryset = queryset[:1]
        compiler = queryset.query.get_compiler(alias)
        sql, params = compiler.as_sql()
        prepared = {name: _prepare(connection, value) for name, value in samples.items()}
        # Each parameter: the name of the value it takes, or None for a constant of the query.
        places = []
        for param in params:
            names = [name for name, value in prepared.items() if value == param]
            if len(names) > 1:
                raise ImproperlyConfigured(f"compiled query: {names} compile alike")
            places.append((names or [None])[0])
        if set(self._types) - set(places):
            raise ImproperlyConfigured(f"compiled query: {self._types} not all in {params!r}")
        columns = [column for column, _sql, _alias in compiler.select]
        # For instances(): each model's attnames and the places of their columns in a row
        # (a column that is no model's field, an annotation, is on none).
        models = {}
        for index, column in enumerate(columns):
            if hasattr(column, "target"):
                names, indexes = models.setdefault(column.target.model, ([], []))
                names.append(column.target.attname)
                indexes.append(index)
        compiled = _Compiled(
            sql, places, params, compiler, compiler.get_converters(columns), models
        )
        self._compiled[alias] = compiled
        return compiled

    def _get(self, alias):
        return self._compiled.get(alias) or self._compile(alias)

    def rows(self, alias="default", **values):
        """The rows for `values`, converted as the ORM converts them. One query.

        An int that no 64-bit column holds finds no row, as the ORM's exact lookups do (the
        values are keys and ids: compared for equality).
        """
        if any(isinstance(value, int) and value not in _INT64 for value in values.values()):
            return []
        compiled = self._get(alias)
        connection = connections[alias]
        params = [
            constant if name is None else _prepare(connection, values[name])
            for name, constant in zip(compiled.places, compiled.constants, strict=True)
        ]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if not compiled.converters:
            return rows
        return list(compiled.compiler.apply_converters(rows, compiled.converters))

    def row(self, alias="default", **values):
        """The first row for `values`, or None."""
        rows = self.rows(alias, **values)
        return rows[0] if rows else None

    def instances(self, row, alias="default"):
        """{model: instance} of each model the row selects; a model whose primary key is NULL
        (a LEFT JOIN that found nothing) is left out. The caller links them (card.question =
        question), as select_related would have."""
        instances = {}
        for model, (names, indexes) in self._get(alias).models.items():
            values = [row[index] for index in indexes]
            if values[names.index(model._meta.pk.attname)] is not None:
                instances[model] = model.from_db(alias, names, values)
        return instances

    def get(self, alias="default", **values):
        """{model: instance} of the first row for `values`, or None."""
        row = self.row(alias, **values)
        return None if row is None else self.instances(row, alias)

    def all(self, model, alias="default", **values):
        """The `model` instance of each row for `values` (a query of that one model)."""
        return [self.instances(row, alias)[model] for row in self.rows(alias, **values)]


def _prepare(connection, value):
    # As the ORM prepares a value of a DateTimeField (text on SQLite); others go as they are.
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


class _SaveStatements(NamedTuple):
    insert: str
    inserted: list  # the fields whose values the INSERT takes, in order
    returning: bool  # whether the INSERT returns the new primary key
    update: str
    updated: list  # the fields whose values the UPDATE takes, then the primary key


class CompiledSave:
    """`instance.save()` of one model without the ORM's compiler: its INSERT, which returns the
    new primary key, and its UPDATE of every field by primary key, written once per process and
    database. The values are prepared as save() prepares them (Field.pre_save, so that auto_now
    fields move, then get_db_prep_save); a constraint broken raises the ORM's IntegrityError.
    No model signals are sent: it is for models nothing listens to (the grade's attempt and
    card; tests/test_compiled_queries.py checks that none is connected)."""

    def __init__(self, model):
        self._model = model
        self._statements = {}

    def _compile(self, alias):
        connection = connections[alias]
        meta, quote = self._model._meta, connection.ops.quote_name
        pk = meta.pk
        inserted = [field for field in meta.local_concrete_fields if field is not meta.auto_field]
        updated = [field for field in meta.local_concrete_fields if not field.primary_key]
        columns = ", ".join(quote(field.column) for field in inserted)
        placeholders = ", ".join(["%s"] * len(inserted))
        insert = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"
        returning = connection.features.can_return_columns_from_insert
        if returning:
            insert += " " + connection.ops.return_insert_columns([pk])[0]
        assignments = ", ".join(f"{quote(field.column)} = %s" for field in updated)
        update = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(pk.column)} = %s"
        statements = _SaveStatements(insert, inserted, returning, update, updated)
        self._statements[alias] = statements
        return statements

    def _get(self, alias):
        return self._statements.get(alias) or self._compile(alias)

    def insert(self, instance, alias="default"):
        """Insert `instance` (as save(force_insert=True)) and give it its new primary key."""
        statements, connection = self._get(alias), connections[alias]
        params = [
            field.get_db_prep_save(field.pre_save(instance, True), connection)
            for field in statements.inserted
        ]
        meta = self._model._meta
        with connection.cursor() as cursor:
            cursor.execute(statements.insert, params)
            if statements.returning:
                pk = cursor.fetchone()[0]
            else:
                pk = connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column)
        if meta.auto_field is not None:
            instance.pk = pk
        instance._state.adding, instance._state.db = False, alias
        return instance

    def update(self, instance, alias="default"):
        """Write every field of `instance` to its row (as save() of a saved instance); the
        number of rows updated."""
        statements, connection = self._get(alias), connections[alias]
        params = [
            field.get_db_prep_save(field.pre_save(instance, False), connection)
            for field in statements.updated
        ]
        params.append(self._model._meta.pk.get_db_prep_value(instance.pk, connection))
        with connection.cursor() as cursor:
            cursor.execute(statements.update, params)
            return cursor.rowcount
