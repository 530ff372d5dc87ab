"""Sending one delivery by its channel's kind: e-mail, a signed webhook, or a LINE push.

Each raises SendFailed when the other side did not take it (the dispatcher retries)."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import socket
import urllib.error
import urllib.request
import uuid
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail

from madoguchi.notifications.models import ChannelKind, Delivery, LineAccount

TIMEOUT = 10  # seconds per request: a slow receiver is retried, not waited on
SIGNATURE_HEADER = "X-Madoguchi-Signature"
LINE_TEXT_LIMIT = 5000  # the Messaging API's limit for a text message


class SendFailed(Exception):
    """The receiver did not take the delivery (said in the delivery log, retried)."""


def send(delivery: Delivery) -> None:
    if delivery.contact is not None:
        _email(delivery, delivery.contact.email)
        return
    channel = delivery.channel
    if channel is None:
        raise SendFailed("no recipient")
    if channel.kind == ChannelKind.EMAIL:
        _email(delivery, channel.target)
    elif channel.kind == ChannelKind.WEBHOOK:
        _webhook(delivery, channel.target, channel.secret)
    elif channel.kind == ChannelKind.LINE:
        _line(delivery, channel.target)
    else:
        raise SendFailed(f"unknown channel kind {channel.kind}")


def _body(delivery: Delivery) -> str:
    return f"{delivery.text}\n\n{delivery.url}".strip()


def _email(delivery: Delivery, address: str) -> None:
    try:
        send_mail(
            f"[窓口] {delivery.subject}",
            _body(delivery),
            settings.DEFAULT_FROM_EMAIL,
            [address],
        )
    except (OSError, ValueError) as exc:
        raise SendFailed(f"mail: {exc}") from exc


def sign(secret: str, body: bytes) -> str:
    """The webhook's signature header value: sha256=<hex HMAC-SHA256 of the raw body>."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_body(delivery: Delivery) -> dict[str, Any]:
    """JSON a receiver reads; `text` is what Slack (and Slack-compatible chats) show."""
    text = f"{delivery.subject}\n{delivery.text}"
    if delivery.url:
        text += f"\n<{delivery.url}>"
    return {
        "text": text,
        "event": delivery.event,
        "id": delivery.event_key,
        "delivery": delivery.pk,
        "subject": delivery.subject,
        "message": delivery.text,
        "url": delivery.url,
        "urgent": delivery.urgent,
        "data": delivery.data,
    }


def _refuse_private(url: str) -> None:
    """A webhook may not reach the server's own network (unless allowed in settings)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SendFailed("webhook: not an http(s) address")
    if settings.MADOGUCHI_WEBHOOK_ALLOW_PRIVATE:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        raise SendFailed(f"webhook: {exc}") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise SendFailed("webhook: private address refused")


def _post(url: str, body: bytes, headers: dict[str, str]) -> None:
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            response.read(1024)
    except urllib.error.HTTPError as exc:
        raise SendFailed(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise SendFailed(str(getattr(exc, "reason", exc))) from exc


def _webhook(delivery: Delivery, url: str, secret: str) -> None:
    _refuse_private(url)
    body = json.dumps(webhook_body(delivery), ensure_ascii=False).encode()
    _post(
        url,
        body,
        {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Madoguchi",
            SIGNATURE_HEADER: sign(secret, body),
            "X-Madoguchi-Event": delivery.event,
            # The same on every try of this delivery: a receiver can drop a repeat.
            "X-Madoguchi-Delivery": str(delivery.pk),
        },
    )


def _line(delivery: Delivery, to: str) -> None:
    account = LineAccount.objects.filter(organization_id=delivery.organization_id).first()
    if account is None:
        raise SendFailed("LINE: the organization has no channel access token")
    text = _body(delivery)[:LINE_TEXT_LIMIT]
    body = json.dumps({"to": to, "messages": [{"type": "text", "text": text}]}).encode()
    _post(
        settings.MADOGUCHI_LINE_PUSH_URL,
        body,
        {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {account.channel_token}",
            # LINE drops a second push with the same retry key (a retry after a timeout).
            "X-Line-Retry-Key": str(uuid.uuid5(uuid.NAMESPACE_URL, f"madoguchi:{delivery.pk}")),
        },
    )
