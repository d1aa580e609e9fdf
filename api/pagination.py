"""Pagination of the initiative list: bad paging parameters are a 400, not a silent fallback."""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def _positive_int(raw: str) -> int | None:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    return value if value >= 1 else None


class InitiativePagination(PageNumberPagination):
    """`page` from 1, `page_size` from 1 to 500 (50 by default); bad values are a 400, not a
    silent fallback, so that a client never believes it received everything."""

    page_size = PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE
    page_size_query_param = "page_size"
    page_query_description = _("Page number, from 1.")
    page_size_query_description = _("Items per page, from 1 to 500 (default 50).")

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        value = _positive_int(raw)
        if value is None or value > self.max_page_size:
            raise ValidationError(
                {
                    "page_size": [
                        _("Give a whole number from 1 to %(max)d.") % {"max": self.max_page_size}
                    ]
                }
            )
        return value

    def get_schema_operation_parameters(self, view):
        """The bounds enforced above, written in the schema."""
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.page_query_param: {"minimum": 1},
            self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters

    def paginate_queryset(self, queryset, request, view=None, count=None):
        """DRF's, plus `count` when the caller already knows it (saves a COUNT query)."""
        self.request = request
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        if count is not None:
            paginator.count = count
        self.page = paginator.page(self.get_page_number(request, paginator))
        return list(self.page)

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        if raw is None:
            return 1
        value = _positive_int(raw)
        if value is None:
            raise ValidationError({"page": [_("Give a whole number from 1.")]})
        if value > paginator.num_pages:
            raise NotFound(
                _("Page %(page)d does not exist: the last page is %(last)d.")
                % {"page": value, "last": paginator.num_pages}
            )
        return value
