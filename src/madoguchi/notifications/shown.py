"""How a channel's address is shown back: an e-mail address or a LINE id as it is, a
webhook's URL only by its host (its path is often the secret: Slack's, Teams')."""

from __future__ import annotations

from urllib.parse import urlsplit

from madoguchi.notifications.models import Channel, ChannelKind


def shown_target(channel: Channel) -> str:
    if channel.kind != ChannelKind.WEBHOOK:
        return channel.target
    parts = urlsplit(channel.target)
    tail = channel.target[-4:] if len(channel.target) > 24 else ""
    return f"{parts.scheme}://{parts.hostname or ''}/…{tail}"
