"""What the desk's lists share so that a million rows cost the same as ten thousand: a count that stops past a
cap (the list then says "more than" the cap), no count of the unfiltered table, no facets, and a search by a
request's reference that reads the reference's index."""
from collections.abc import Callable
from functools import cached_property

from django.contrib import admin
from django.core.paginator import Paginator

from approvals.search import by_reference

COUNT_CAP = 10_000


class CappedCountPaginator(Paginator):
    """A paginator whose count reads at most ``cap + 1`` rows of the list's query (through its indexes);
    ``capped`` tells the template that there are more than ``cap``. Pages past the cap are not offered."""

    cap = COUNT_CAP

    @cached_property
    def counted(self) -> int:
        # Only the primary keys of the filtered rows: no select_related joins, no annotations, no ordering.
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def count(self) -> int:
        return min(self.counted, self.cap)

    @property
    def capped(self) -> bool:
        return self.counted > self.cap


class DeskModelAdmin(admin.ModelAdmin):
    """What every desk list shares: a capped count, no count of the unfiltered table, no facet counts."""

    paginator = CappedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER


class ReferenceSearchMixin:
    """A request's records (events, assessments, documents...) found by the start of the request's reference
    through its index; any other term goes to the list's own ``search_fields``."""

    reference_field = "import_request__reference"

    def get_search_results(self, request, queryset, search_term):
        found = by_reference(queryset, search_term, field=self.reference_field)
        if found is not None:
            return found, False
        return super().get_search_results(request, queryset, search_term)


def known_values_filter(field: str, title: str, values: Callable[[], list[tuple[str, str]]]
                        ) -> type[admin.SimpleListFilter]:
    """A list filter on ``field`` offering the values ``values()`` gives: the admin's default for a field without
    choices reads every distinct value from the table (a scan of the whole table on each page view)."""

    class KnownValuesFilter(admin.SimpleListFilter):
        parameter_name = f"{field}__exact"

        def lookups(self, request, model_admin):
            return values()

        def queryset(self, request, queryset):
            return queryset.filter(**{field: self.value()}) if self.value() else queryset

    KnownValuesFilter.title = title
    return KnownValuesFilter
