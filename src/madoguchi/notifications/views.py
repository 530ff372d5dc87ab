"""The notification pages: the user's own channels and their organization's (e-mail,
webhook, LINE), the LINE token, a test message, the delivery log, and a site's customer
contacts. Reads through selectors, writes through services; a refused form keeps what was
typed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from madoguchi.contracts.models import Site
from madoguchi.notifications import selectors, services
from madoguchi.notifications.forms import ChannelForm, ContactForm, LineTokenForm
from madoguchi.notifications.models import Channel, ChannelKind, SiteContact
from madoguchi.notifications.shown import shown_target
from madoguchi.orgs.choosing import organization_to_write
from madoguchi.orgs.models import Organization
from madoguchi.orgs.selectors import can_write, organizations_for

LOG_PAGE_SIZE = 50


def _channel(request: HttpRequest, channel_id: int) -> Channel:
    """One of the user's channels (404 for another organization's, or a colleague's own);
    403 for an organization's channel when the user may only read."""
    channel = get_object_or_404(
        selectors.channels_for(request.user).select_related("organization"), pk=channel_id
    )
    if channel.user_id is None and not can_write(request.user, channel.organization_id):
        raise PermissionDenied
    return channel


@login_required
@require_GET
def channel_list(request: HttpRequest) -> HttpResponse:
    own, shared = selectors.own_and_organization_channels(request.user)
    organizations = list(organizations_for(request.user).order_by("name"))
    writable = [o for o in organizations if can_write(request.user, o.pk)]
    accounts = selectors.line_accounts_for(request.user)
    return render(
        request,
        "notifications/list.html",
        {
            "own": [(c, shown_target(c)) for c in own],
            "shared": [
                (c, shown_target(c), can_write(request.user, c.organization_id)) for c in shared
            ],
            "writable": writable,
            "several": len(organizations) > 1,
            "line": [(o, accounts.get(o.pk)) for o in writable],
        },
    )


def _personal_organization(request: HttpRequest) -> tuple[Organization, list[Organization]]:
    mine = list(organizations_for(request.user).order_by("name"))
    if not mine:
        raise PermissionDenied
    chosen = request.POST.get("organization") or request.GET.get("organization")
    return next((o for o in mine if o.slug == chosen), mine[0]), mine


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def channel_new(request: HttpRequest) -> HttpResponse:
    """Add a channel: `?for=me` the user's own e-mail, otherwise the organization's."""
    personal = (request.POST.get("for") or request.GET.get("for")) == "me"
    if personal:
        organization, organizations = _personal_organization(request)
    else:
        organization, organizations = organization_to_write(request)
    user: Any = request.user
    initial = {"target": user.email} if personal else {}
    form = ChannelForm(request.POST or None, personal=personal, initial=initial)
    if request.method == "POST" and form.is_valid():
        quiet_start, quiet_end = form.quiet()
        try:
            channel = services.create_channel(
                request.user,
                organization_id=organization.pk,
                kind=form.cleaned_data["kind"],
                target=form.cleaned_data["target"],
                name=form.cleaned_data["name"],
                events=form.stored_events(),
                personal=personal,
                quiet_start=quiet_start,
                quiet_end=quiet_end,
            )
        except services.NotificationError as exc:
            form.refused(exc.field, str(exc))
        else:
            if channel.kind == ChannelKind.WEBHOOK:
                return _secret_page(request, channel, new=True)
            messages.success(request, _("The channel was added."))
            return redirect("notifications:list")
    return render(
        request,
        "notifications/channel_form.html",
        {
            "form": form,
            "personal": personal,
            "organization": organization,
            "organizations": organizations if len(organizations) > 1 else [],
            "channel": None,
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def channel_edit(request: HttpRequest, channel_id: int) -> HttpResponse:
    channel = _channel(request, channel_id)
    personal = channel.user_id is not None
    initial = {
        "name": channel.name,
        "target": "" if channel.kind == ChannelKind.WEBHOOK else channel.target,
        "events": channel.events or None,
        "quiet_start": channel.quiet_start,
        "quiet_end": channel.quiet_end,
    }
    initial = {k: v for k, v in initial.items() if v is not None}
    form = ChannelForm(
        request.POST or None, personal=personal, editing=channel.kind, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        quiet_start, quiet_end = form.quiet()
        try:
            services.update_channel(
                request.user,
                channel,
                name=form.cleaned_data["name"],
                target=form.cleaned_data["target"],
                events=form.stored_events(),
                quiet_start=quiet_start,
                quiet_end=quiet_end,
            )
        except services.NotificationError as exc:
            form.refused(exc.field, str(exc))
        else:
            messages.success(request, _("The channel was saved."))
            return redirect("notifications:list")
    return render(
        request,
        "notifications/channel_form.html",
        {
            "form": form,
            "personal": personal,
            "organization": channel.organization,
            "organizations": [],
            "channel": channel,
            "shown": shown_target(channel),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def channel_delete(request: HttpRequest, channel_id: int) -> HttpResponse:
    """Asks once (「…を削除しますか？」), then deletes the channel and its delivery log."""
    channel = _channel(request, channel_id)
    if request.method == "POST":
        services.delete_channel(request.user, channel)
        messages.success(request, _("The channel was deleted."))
        return redirect("notifications:list")
    return render(
        request,
        "notifications/confirm_delete.html",
        {
            "what": channel.name or shown_target(channel),
            "question": _("Delete this notification channel?"),
            "button": _("Delete this notification channel"),
            "action": request.path,
            "back": reverse("notifications:list"),
        },
    )


@login_required
@require_POST
def channel_active(request: HttpRequest, channel_id: int) -> HttpResponse:
    channel = _channel(request, channel_id)
    active = request.POST.get("active") == "1"
    services.set_channel_active(request.user, channel, active=active)
    messages.success(
        request, _("The channel sends again.") if active else _("The channel is paused.")
    )
    return redirect("notifications:list")


def _secret_page(request: HttpRequest, channel: Channel, *, new: bool) -> HttpResponse:
    response = render(
        request,
        "notifications/secret.html",
        {"channel": channel, "secret": channel.secret, "new": new},
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def channel_secret(request: HttpRequest, channel_id: int) -> HttpResponse:
    """A new signing key for a webhook, shown on this response only."""
    channel = _channel(request, channel_id)
    try:
        services.regenerate_secret(request.user, channel)
    except services.NotificationError as exc:
        messages.error(request, str(exc))
        return redirect("notifications:list")
    return _secret_page(request, channel, new=False)


@login_required
@require_POST
def channel_test(request: HttpRequest, channel_id: int) -> HttpResponse:
    channel = _channel(request, channel_id)
    services.send_test(request.user, channel, timezone.now())
    messages.success(
        request,
        _("A test notification is on its way. Its result shows in the delivery log below."),
    )
    return redirect("notifications:log")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def line_account(request: HttpRequest) -> HttpResponse:
    """The organization's LINE channel access token: set, replaced or removed; never shown."""
    organization, organizations = organization_to_write(request)
    form = LineTokenForm(request.POST or None)
    if request.method == "POST" and "remove" in request.POST:
        services.remove_line_token(request.user, organization_id=organization.pk)
        messages.success(request, _("The LINE token was removed."))
        return redirect("notifications:list")
    if request.method == "POST" and form.is_valid():
        try:
            services.set_line_token(
                request.user,
                organization_id=organization.pk,
                token=form.cleaned_data["channel_token"],
            )
        except services.NotificationError as exc:
            form.refused(exc.field, str(exc))
        else:
            messages.success(request, _("The LINE token was saved."))
            return redirect("notifications:list")
    account = selectors.line_accounts_for(request.user).get(organization.pk)
    return render(
        request,
        "notifications/line.html",
        {
            "form": form,
            "account": account,
            "organization": organization,
            "organizations": organizations if len(organizations) > 1 else [],
        },
    )


@login_required
@require_GET
def delivery_log(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.delivery_log(request.user), LOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/log.html", {"page": page})


# --- A site's customer contacts -----------------------------------------------------------


def _site(request: HttpRequest, site_pk: int, *, write: bool = False) -> Site:
    site = get_object_or_404(Site.objects.for_user(request.user), pk=site_pk)
    if write and not can_write(request.user, site.organization_id):
        raise PermissionDenied
    return site


def _contact(request: HttpRequest, site: Site, contact_id: int) -> SiteContact:
    contact = selectors.site_contacts(request.user, site.pk).filter(pk=contact_id).first()
    if contact is None:
        raise Http404
    return contact


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def contact_list(request: HttpRequest, site_pk: int) -> HttpResponse:
    """The site's customer contacts, and the form that adds one."""
    site = _site(request, site_pk, write=request.method == "POST")
    writable = can_write(request.user, site.organization_id)
    form = ContactForm(request.POST or None) if writable else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.add_contact(request.user, site, **form.cleaned_data)
        except services.NotificationError as exc:
            form.refused(exc.field, str(exc))
        else:
            messages.success(request, _("The contact was added."))
            return redirect("contacts:list", site_pk=site.pk)
    return render(
        request,
        "notifications/contacts.html",
        {
            "site": site,
            "contacts": list(selectors.site_contacts(request.user, site.pk)),
            "form": form,
            "can_write": writable,
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, site_pk: int, contact_id: int) -> HttpResponse:
    site = _site(request, site_pk)
    contact = _contact(request, site, contact_id)
    if not can_write(request.user, site.organization_id):
        raise PermissionDenied
    initial = {
        "name": contact.name,
        "email": contact.email,
        "incident_updates": contact.incident_updates,
    }
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_contact(request.user, contact, **form.cleaned_data)
        except services.NotificationError as exc:
            form.refused(exc.field, str(exc))
        else:
            messages.success(request, _("The contact was saved."))
            return redirect("contacts:list", site_pk=site.pk)
    return render(
        request, "notifications/contact_form.html", {"site": site, "contact": contact, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_delete(request: HttpRequest, site_pk: int, contact_id: int) -> HttpResponse:
    site = _site(request, site_pk)
    contact = _contact(request, site, contact_id)
    if not can_write(request.user, site.organization_id):
        raise PermissionDenied
    if request.method == "POST":
        services.remove_contact(request.user, contact)
        messages.success(request, _("The contact was deleted."))
        return redirect("contacts:list", site_pk=site.pk)
    return render(
        request,
        "notifications/confirm_delete.html",
        {
            "what": contact.name,
            "question": _("Delete this contact?"),
            "button": _("Delete this contact"),
            "action": request.path,
            "back": reverse("contacts:list", args=[site.pk]),
        },
    )
