"""Public pages of the territory: find your commune."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from baladiya.core.params import whole_number
from baladiya.territory.selectors import search_communes, wilayas


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    """Search communes by name (French or Arabic), postal code or ONS code, or by wilaya."""
    query = request.GET.get("q", "").strip()[:80]
    wilaya = request.GET.get("wilaya", "").strip()
    wilaya_number = whole_number(wilaya, maximum=99)
    page = None
    if query or wilaya_number:
        paginator = Paginator(search_communes(query=query, wilaya_number=wilaya_number), 25)
        page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "territory/directory.html",
        {"query": query, "wilaya_number": wilaya_number, "wilayas": wilayas(), "page": page},
    )
