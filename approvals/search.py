"""Search for the desk's lists that costs the same at a million requests as at ten thousand: a reference, a
licence number or a USCC is matched by its start (a B-tree range), a name by substring (on PostgreSQL through
the pg_trgm GIN indexes of migration 0016; elsewhere a plain ``icontains`` scan)."""
import re

from django.db.models import Q, QuerySet

from approvals.models import Company

REFERENCE = re.compile(r"^IR-[0-9-]*$")
LICENCE_NUMBER = re.compile(r"^CGL-[0-9-]*$")
# A USCC is 18 characters of digits and capitals and starts with a digit; six of them make a useful start.
USCC = re.compile(r"^[0-9][0-9A-Z]{5,17}$")


def search_term(term: str) -> str:
    """The term as typed, with runs of spaces made one and the ends trimmed."""
    return " ".join((term or "").split())


def company_ids_named(term: str) -> list[int]:
    """Companies whose legal name contains the term (any case): one query on the companies table."""
    return list(Company.objects.filter(legal_name__icontains=term).order_by().values_list("pk", flat=True))


def company_ids_by_uscc(prefix: str) -> list[int]:
    return list(Company.objects.filter(uscc__startswith=prefix).order_by().values_list("pk", flat=True))


def import_request_search(queryset: QuerySet, term: str) -> QuerySet:
    """Requests of ``queryset`` matching a search term: a reference or its start (``IR-2026-0001``), a USCC or its
    start, or else part of the company's legal name or of the end user's name."""
    term = search_term(term)
    if not term:
        return queryset
    upper = term.upper()
    if REFERENCE.match(upper):
        return queryset.filter(reference__startswith=upper)
    if USCC.match(upper):
        return queryset.filter(company_id__in=company_ids_by_uscc(upper))
    # Company ids as a list (not a subquery): PostgreSQL then ORs two index scans instead of filtering every row.
    return queryset.filter(Q(company_id__in=company_ids_named(term)) | Q(end_user__icontains=term))


def licence_search(queryset: QuerySet, term: str) -> QuerySet:
    """Licences matching a licence number or its start (``CGL-2026-0001``), the holder's USCC or its start, or
    part of the holder's legal name."""
    term = search_term(term)
    if not term:
        return queryset
    upper = term.upper()
    if LICENCE_NUMBER.match(upper):
        return queryset.filter(number__startswith=upper)
    if USCC.match(upper):
        return queryset.filter(holder_id__in=company_ids_by_uscc(upper))
    return queryset.filter(holder_id__in=company_ids_named(term))


def by_reference(queryset: QuerySet, term: str, *, field: str) -> QuerySet | None:
    """Rows of a request's or a licence's records (events, assessments, matches) whose reference or licence number
    (``field``) starts with the term; None when the term is neither, for the caller's own search."""
    upper = search_term(term).upper()
    if not (REFERENCE.match(upper) or LICENCE_NUMBER.match(upper)):
        return None
    return queryset.filter(**{f"{field}__startswith": upper})
