"""Typed checks at the edge, for values that reach a query without a form field that checks them.

A primary key is a 64-bit signed integer on both databases. A value outside that range makes
SQLite raise OverflowError, and text makes Django raise ValueError: both are 500s unless the
value is refused first, as a 404 (an id in the path) or a form error (an id in a form).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_unicode_slug
from django.http import Http404

MAX_ID = 2**63 - 1


def parse_id(value):
    """The id `value` as an int, or None when it is not a whole number from 1 to MAX_ID."""
    text = str(value)
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def slug_or_404(value, max_length=100):
    """The slug `value` as given, or 404 when no slug could be it: PostgreSQL refuses a NUL in
    a query, and a lookup of 100,000 characters is no better for never matching."""
    try:
        validate_unicode_slug(value)
    except ValidationError:
        raise Http404("No such slug.") from None
    if len(value) > max_length:
        raise Http404("No such slug.")
    return value


def id_or_404(value):
    number = parse_id(value)
    if number is None:
        raise Http404("No such object.")
    return number


class IdModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Checks that each value could be an id before the query that looks them all up."""

    def _check_values(self, value):
        if self.to_field_name is None:
            for item in value:
                if parse_id(item) is None:
                    raise forms.ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": str(item)[:20]},
                    )
        return super()._check_values(value)


# The admin's search becomes one LIKE per word and field: SQLite refuses a pattern over 50,000
# bytes ("LIKE or GLOB pattern too complex"), and no real search is longer than this.
MAX_ADMIN_SEARCH_LENGTH = 200


class BoundedSearchAdmin:
    """Mixed into every ModelAdmin with search_fields: searches for at most the first
    MAX_ADMIN_SEARCH_LENGTH characters of what was typed."""

    def get_search_results(self, request, queryset, search_term):
        search_term = search_term[:MAX_ADMIN_SEARCH_LENGTH]
        return super().get_search_results(request, queryset, search_term)
