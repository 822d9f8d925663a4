"""The bank's change counter: a one-row table that the database's own triggers move on with
every write to a question or a topic, whoever makes it.

The progress pages' caches and each process's facts of the bank (facts.py) are keyed on a
version of the bank. Counting the questions and reading their newest `updated_at` on every
view read every entry of an index (a cost that grows with the bank), and missed a write that
set no `updated_at` or committed after a later-stamped one. The counter is one row read by
its key; a trigger bumps it in the writing transaction, so the new value is seen exactly when
the change is: imports, the admin's bulk actions, deletions and cascades included. On
PostgreSQL two transactions that write questions take turns on the row until they commit
(SQLite has one writer at a time anyway).

The table is not a model: a backup's dump leaves it out, and loading the dump moves it on.
Django's SQLite schema editor rebuilds a table to alter it, which drops its triggers:
install() runs after every `migrate` (apps.py) and puts back what is missing.
"""

from django.db import connection

TABLE = "questions_bank_changes"
_WATCHED = ("questions_question", "questions_topic")

_SQLITE = [
    f"CREATE TABLE IF NOT EXISTS {TABLE} (id integer PRIMARY KEY CHECK (id = 1), "
    "changes bigint NOT NULL)",
    f"INSERT OR IGNORE INTO {TABLE} (id, changes) VALUES (1, 0)",
    *(
        f"CREATE TRIGGER IF NOT EXISTS {table}_{event.lower()}_counted AFTER {event} ON {table} "
        f"BEGIN UPDATE {TABLE} SET changes = changes + 1 WHERE id = 1; END"
        for table in _WATCHED
        for event in ("INSERT", "UPDATE", "DELETE")
    ),
]

_POSTGRESQL = [
    f"CREATE TABLE IF NOT EXISTS {TABLE} (id integer PRIMARY KEY CHECK (id = 1), "
    "changes bigint NOT NULL)",
    f"INSERT INTO {TABLE} (id, changes) VALUES (1, 0) ON CONFLICT (id) DO NOTHING",
    f"CREATE OR REPLACE FUNCTION {TABLE}_bump() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN UPDATE {TABLE} SET changes = changes + 1 WHERE id = 1; RETURN NULL; END $$",
    # Once a statement, not once a row: an import of thousands of questions bumps it once.
    *(
        f"CREATE OR REPLACE TRIGGER {table}_counted "
        f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_bump()"
        for table in _WATCHED
    ),
]

_DROP = {
    "sqlite": [
        *(
            f"DROP TRIGGER IF EXISTS {table}_{event.lower()}_counted"
            for table in _WATCHED
            for event in ("INSERT", "UPDATE", "DELETE")
        ),
        f"DROP TABLE IF EXISTS {TABLE}",
    ],
    "postgresql": [
        *(f"DROP TRIGGER IF EXISTS {table}_counted ON {table}" for table in _WATCHED),
        f"DROP FUNCTION IF EXISTS {TABLE}_bump()",
        f"DROP TABLE IF EXISTS {TABLE}",
    ],
}


def install(using=connection):
    """Create the counter and its triggers where they are missing (idempotent)."""
    statements = _POSTGRESQL if using.vendor == "postgresql" else _SQLITE
    with using.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def uninstall(using=connection):
    with using.cursor() as cursor:
        for statement in _DROP[using.vendor]:
            cursor.execute(statement)


READ = f"SELECT changes FROM {TABLE} WHERE id = 1"


def bank_changes() -> int:
    """How many writes to questions and topics there have been (one query by key)."""
    with connection.cursor() as cursor:
        cursor.execute(READ)
        return cursor.fetchone()[0]
