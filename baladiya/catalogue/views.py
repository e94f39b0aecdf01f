"""Public pages of the catalogue: find a procedure, read what it takes."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from baladiya.catalogue.models import ProvidedBy
from baladiya.catalogue.selectors import group_by_handler, procedure_by_slug, published_procedures
from baladiya.core import pagecache

MAX_QUERY_LENGTH = 100


@require_GET
@pagecache.for_visitors(pagecache.CATALOGUE)
def procedure_list(request: HttpRequest) -> HttpResponse:
    """Every published procedure, grouped by who handles it; ``?q=`` searches them."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    procedures = list(published_procedures(query))
    return render(
        request,
        "catalogue/list.html",
        {"query": query, "count": len(procedures), "groups": group_by_handler(procedures)},
    )


@require_GET
@pagecache.for_visitors(pagecache.CATALOGUE)
def procedure_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """What a procedure is for, what to bring, what it costs, how long it takes, where to go."""
    procedure = procedure_by_slug(slug)
    documents = list(procedure.documents.all())
    return render(
        request,
        "catalogue/detail.html",
        {
            "procedure": procedure,
            "citizen_documents": [d for d in documents if d.provided_by == ProvidedBy.CITIZEN],
            "obtained_documents": [
                d for d in documents if d.provided_by == ProvidedBy.ADMINISTRATION
            ],
        },
    )
