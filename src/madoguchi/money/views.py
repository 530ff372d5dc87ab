"""The organization-wide ranking of sites by the money their checks find."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from madoguchi.contracts.models import Site
from madoguchi.money.selectors import ranked_sites, unsummarized_count
from madoguchi.money.tasks import enqueue_changed

PAGE_SIZE = 25


@login_required
@require_GET
def ranking(request: HttpRequest) -> HttpResponse:
    """Sites by what their checks find per year, from the stored summaries (madoguchi.money
    .services): the page never assesses a site, so it stays fast with many of them; it puts
    the refresh of the sites changed since their summary on the queue (money.tasks)."""
    enqueue_changed(Site.objects.for_user(request.user))
    page = Paginator(ranked_sites(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "money/ranking.html",
        {
            "page": page,
            "first_rank": page.start_index(),
            "unsummarized": unsummarized_count(request.user),
        },
    )
