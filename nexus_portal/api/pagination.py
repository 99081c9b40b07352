"""Page-number pagination for every API list, without counting large result sets.

`count` is the exact number of matching records when there are at most 1,000 of them, and null beyond
that: counting 100,000 programmes on every page would cost more than the page. `next` is null on the
last page (the page is fetched with one extra row to know), so a client walks a long list by `next`.
"""

from django.core.paginator import InvalidPage
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from nexus_portal import pagination
from nexus_portal.pagination import CappedPaginator


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    django_paginator_class = CappedPaginator

    def paginate_queryset(self, queryset, request, view=None):
        # DRF's own reads paginator.num_pages, which is unknown beyond the cap.
        self.request = request
        page_size = self.get_page_size(request)
        if not page_size:
            return None
        paginator = self.django_paginator_class(queryset, page_size)
        page_number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(page_number)
        except InvalidPage as exc:
            raise NotFound(self.invalid_page_message.format(page_number=page_number, message=str(exc))) from None
        self.display_page_controls = self.template is not None and self.page.has_other_pages()
        return list(self.page)

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"] = {
            "type": "integer",
            "nullable": True,
            "example": 123,
            "description": f"How many records match; null when more than {pagination.COUNT_CAP:,} do (follow `next`).",
        }
        return response

    def get_html_context(self):
        if self.page.paginator.num_pages is not None:
            return super().get_html_context()
        # Beyond the cap the browsable API offers previous and next only (no numbered links to a last page).
        return {"previous_url": self.get_previous_link(), "next_url": self.get_next_link(), "page_links": []}
