"""Change counters that the database's own triggers move on, whoever writes: one for the bank
(every write to a question or a topic) and one per learner (every write to their attempts,
cards, recordings and notes).

The progress pages' caches and each process's facts of the bank (bank/facts.py) are keyed on
what would change what they show. Counting the bank's questions and a learner's attempts and
cards on every view read every entry of an index, a cost that grew with the bank and the
history, and an aggregate of `updated_at` missed a write that set none, or one that committed
after a later-stamped one. A counter is one row read by its key; a trigger moves it on inside
the writing transaction, so the new value is seen exactly when the change is: imports, the
admin's bulk actions, deletions and cascades included. On PostgreSQL two transactions that
write questions take turns on the bank's row until they commit, and so do two of one learner
(SQLite has one writer at a time anyway).

The tables are not models: a backup's dump leaves them out, and loading the dump moves them on.
A learner's row stays after their account is deleted (ids are never reused). Django's SQLite
schema editor rebuilds a table to alter it, which drops its triggers: install() runs after
every `migrate` (apps.py) and puts back what is missing.
"""

from django.db import connection

BANK = "questions_bank_changes"
USERS = "questions_user_changes"
_BANK_TABLES = ("questions_question", "questions_topic")
_USER_TABLES = (
    "questions_attempt",
    "questions_reviewcard",
    "questions_recording",
    "questions_questionnote",
)
_EVENTS = ("INSERT", "UPDATE", "DELETE")

# The bank's row also holds an epoch drawn when the row is made: a database created afresh
# (a new server, a dump loaded) counts from 0 again, and the epoch keeps its versions apart
# from those that a cache kept from another database.
_TABLES = [
    f"CREATE TABLE IF NOT EXISTS {BANK} (id integer PRIMARY KEY CHECK (id = 1), "
    "epoch bigint NOT NULL, changes bigint NOT NULL)",
    f"CREATE TABLE IF NOT EXISTS {USERS} (user_id integer PRIMARY KEY, changes bigint NOT NULL)",
]


def _bump_user(user_id):
    return (
        f"INSERT INTO {USERS} (user_id, changes) VALUES ({user_id}, 1) "
        f"ON CONFLICT (user_id) DO UPDATE SET changes = {USERS}.changes + 1"
    )


_SQLITE = [
    *_TABLES,
    f"INSERT OR IGNORE INTO {BANK} (id, epoch, changes) "
    "VALUES (1, abs(random() % 9000000000000000000), 0)",
    *(
        f"CREATE TRIGGER IF NOT EXISTS {table}_{event.lower()}_counted AFTER {event} ON {table} "
        f"BEGIN UPDATE {BANK} SET changes = changes + 1 WHERE id = 1; END"
        for table in _BANK_TABLES
        for event in _EVENTS
    ),
    *(
        f"CREATE TRIGGER IF NOT EXISTS {table}_{event.lower()}_counted AFTER {event} ON {table} "
        f"BEGIN {_bump_user('OLD.user_id' if event == 'DELETE' else 'NEW.user_id')}; END"
        for table in _USER_TABLES
        for event in _EVENTS
    ),
]

# In a row trigger's function on PostgreSQL: the user of the row written.
_ROW_USER = "CASE WHEN TG_OP = 'DELETE' THEN OLD.user_id ELSE NEW.user_id END"

_POSTGRESQL = [
    *_TABLES,
    f"INSERT INTO {BANK} (id, epoch, changes) VALUES (1, floor(random() * 9e18)::bigint, 0) "
    "ON CONFLICT (id) DO NOTHING",
    f"CREATE OR REPLACE FUNCTION {BANK}_bump() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN UPDATE {BANK} SET changes = changes + 1 WHERE id = 1; RETURN NULL; END $$",
    f"CREATE OR REPLACE FUNCTION {USERS}_bump() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN {_bump_user(_ROW_USER)}; RETURN NULL; END $$",
    # The bank's once a statement, not once a row: an import of thousands of questions moves
    # it once.
    *(
        f"CREATE OR REPLACE TRIGGER {table}_counted "
        f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {BANK}_bump()"
        for table in _BANK_TABLES
    ),
    *(
        f"CREATE OR REPLACE TRIGGER {table}_counted AFTER INSERT OR UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {USERS}_bump()"
        for table in _USER_TABLES
    ),
]

_DROP = {
    "sqlite": [
        *(
            f"DROP TRIGGER IF EXISTS {table}_{event.lower()}_counted"
            for table in _BANK_TABLES + _USER_TABLES
            for event in _EVENTS
        ),
        f"DROP TABLE IF EXISTS {BANK}",
        f"DROP TABLE IF EXISTS {USERS}",
    ],
    "postgresql": [
        *(f"DROP TRIGGER IF EXISTS {table}_counted ON {table}" for table in _BANK_TABLES),
        *(f"DROP TRIGGER IF EXISTS {table}_counted ON {table}" for table in _USER_TABLES),
        f"DROP FUNCTION IF EXISTS {BANK}_bump()",
        f"DROP FUNCTION IF EXISTS {USERS}_bump()",
        f"DROP TABLE IF EXISTS {BANK}",
        f"DROP TABLE IF EXISTS {USERS}",
    ],
}


def install(using=connection):
    """Create the counters and their triggers where they are missing (idempotent)."""
    statements = _POSTGRESQL if using.vendor == "postgresql" else _SQLITE
    with using.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def uninstall(using=connection):
    with using.cursor() as cursor:
        for statement in _DROP[using.vendor]:
            cursor.execute(statement)


# (epoch, changes), and a subquery of one row and column for a learner's, which is 0 while
# they have no row (no change yet): statements read them with other things.
READ_BANK = f"SELECT epoch, changes FROM {BANK} WHERE id = 1"
READ_USER = f"SELECT COALESCE(MAX(changes), 0) FROM {USERS} WHERE user_id = %s"


def bank_changes() -> tuple:
    """(epoch, how many writes to questions and topics there have been): one query by key."""
    with connection.cursor() as cursor:
        cursor.execute(READ_BANK)
        return tuple(cursor.fetchone())


def user_changes(user) -> int:
    """How many writes to the user's attempts, cards, recordings and notes (one query by key)."""
    with connection.cursor() as cursor:
        cursor.execute(READ_USER, [user.pk])
        return cursor.fetchone()[0]
