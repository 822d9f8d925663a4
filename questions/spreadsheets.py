"""CSV cells that a spreadsheet program opens as text, never as a formula.

Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return) as a formula,
which can fetch URLs or run commands on the reader's machine. Every CSV the site writes (the
admin's question export, a learner's history) passes its text cells through protect(); the
question import passes them through unprotect(), so that an exported bank imports back as it
was.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The apostrophe spreadsheets read as "text follows"; a cell that starts with one gets another,
# so that unprotect() can tell an added one from the cell's own.
QUOTE = "'"


def protect(value):
    """The cell with a leading apostrophe when a spreadsheet would run it, or it starts with one."""
    if value and value.startswith((*FORMULA_STARTS, QUOTE)):
        return QUOTE + value
    return value


def unprotect(value):
    """The text protect() was given: the apostrophe it added is taken off."""
    if len(value) > 1 and value[0] == QUOTE and value[1:].startswith((*FORMULA_STARTS, QUOTE)):
        return value[1:]
    return value
