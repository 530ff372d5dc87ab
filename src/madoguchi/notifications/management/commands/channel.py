"""Notification channels from the command line: `madoguchi manage channel --user U list|add|
remove|pause|resume|line-token|contact-add|contact-remove|deliveries`.

Writes go through `notifications.services`, as from the API; acts as --user."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from madoguchi.contracts.models import Site
from madoguchi.notifications import selectors, services
from madoguchi.notifications.models import Channel, ChannelKind, EventKind
from madoguchi.orgs.selectors import organizations_for
from madoguchi.orgs.types import AnyUser


class Command(BaseCommand):
    help = "Add and remove notification channels (e-mail, webhook, LINE) and customer contacts."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--user", required=True, help="act as this user")
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list")
        adding = sub.add_parser("add")
        adding.add_argument("kind", choices=ChannelKind.values)
        adding.add_argument("target", help="e-mail address, webhook URL or LINE id")
        adding.add_argument("--name", default="")
        adding.add_argument("--event", action="append", default=[], choices=EventKind.values)
        adding.add_argument("--personal", action="store_true", help="the user's own channel")
        adding.add_argument("--organization", default="", help="its slug (when several)")
        for name in ("remove", "pause", "resume"):
            sub.add_parser(name).add_argument("channel_id", type=int)
        line = sub.add_parser("line-token", help="the organization's LINE channel access token")
        line.add_argument("token")
        line.add_argument("--organization", default="")
        contact = sub.add_parser("contact-add", help="a customer contact of a site")
        contact.add_argument("site_id", type=int)
        contact.add_argument("name")
        contact.add_argument("email")
        sub.add_parser("contact-remove").add_argument("contact_id", type=int)
        sub.add_parser("deliveries", help="the latest deliveries and their status")

    def handle(self, *args: Any, user: str, action: str, **options: Any) -> None:
        actor = get_user_model().objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"no user {user!r}")
        try:
            getattr(self, f"do_{action.replace('-', '_')}")(actor, **options)
        except services.NotificationError as exc:
            raise CommandError(str(exc)) from None

    def _organization_id(self, actor: AnyUser, slug: str) -> int:
        mine = organizations_for(actor)
        found = list((mine.filter(slug=slug) if slug else mine)[:2])
        if len(found) != 1:
            raise CommandError("give --organization (its slug)" if found else "no organization")
        return found[0].pk

    def _channel(self, actor: AnyUser, pk: int) -> Channel:
        channel = selectors.channels_for(actor).filter(pk=pk).first()
        if channel is None:
            raise CommandError(f"no channel {pk} for this user")
        return channel

    def do_list(self, actor: AnyUser, **_: Any) -> None:
        for c in selectors.channels_for(actor).order_by("created", "id")[:500]:
            whose = "personal" if c.user_id else "organization"
            state = "active" if c.active else "paused"
            events = ",".join(c.events) or "all"
            self.stdout.write(f"{c.pk}\t{c.kind}\t{whose}\t{state}\t{c.target}\t{events}")

    def do_add(self, actor: AnyUser, **o: Any) -> None:
        channel = services.create_channel(
            actor,
            organization_id=self._organization_id(actor, o["organization"]),
            kind=o["kind"],
            target=o["target"],
            name=o["name"],
            events=o["event"],
            personal=o["personal"],
        )
        self.stdout.write(f"channel {channel.pk} added")
        if channel.secret:
            self.stdout.write(f"signing key (shown once): {channel.secret}")

    def do_remove(self, actor: AnyUser, channel_id: int, **_: Any) -> None:
        services.delete_channel(actor, self._channel(actor, channel_id))
        self.stdout.write("removed")

    def do_pause(self, actor: AnyUser, channel_id: int, **_: Any) -> None:
        services.set_channel_active(actor, self._channel(actor, channel_id), active=False)
        self.stdout.write("paused")

    def do_resume(self, actor: AnyUser, channel_id: int, **_: Any) -> None:
        services.set_channel_active(actor, self._channel(actor, channel_id), active=True)
        self.stdout.write("resumed")

    def do_line_token(self, actor: AnyUser, token: str, organization: str, **_: Any) -> None:
        services.set_line_token(
            actor, organization_id=self._organization_id(actor, organization), token=token
        )
        self.stdout.write("LINE token saved")

    def do_contact_add(self, actor: AnyUser, site_id: int, name: str, email: str, **_: Any) -> None:
        site = Site.objects.for_user(actor).filter(pk=site_id).first()
        if site is None:
            raise CommandError(f"no site {site_id} for this user")
        contact = services.add_contact(actor, site, name=name, email=email)
        self.stdout.write(f"contact {contact.pk} added")

    def do_contact_remove(self, actor: AnyUser, contact_id: int, **_: Any) -> None:
        contact = selectors.contacts_for(actor).filter(pk=contact_id).first()
        if contact is None:
            raise CommandError(f"no contact {contact_id} for this user")
        services.remove_contact(actor, contact)
        self.stdout.write("removed")

    def do_deliveries(self, actor: AnyUser, **_: Any) -> None:
        for d in selectors.deliveries_for(actor).order_by("-created", "-id")[:100]:
            self.stdout.write(
                f"{d.pk}\t{d.status}\t{d.attempts}\t{d.event_key}\t{d.recipient}\t{d.last_error}"
            )
