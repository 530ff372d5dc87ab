"""`{% url %}`: Django's tag, with each address reversed once per process.

A builtin of every template (settings' TEMPLATES), in place of Django's own: the templates
keep writing `{% url %}` as Django documents it.

Why: `{% url %}` cost about 45 µs (`reverse()` most of it) and a desk page writes twenty of
them, its chrome and its links: about 1 ms a page, some 6 % of the team server's CPU under
the load test (issue 26). An address only depends on the URL patterns (fixed for the
process), the view's name, its arguments, the current application, the script prefix, the
URL conf and the language; with all of these the same, the address is the same. Arguments
are only taken as keys when they are plain ids and texts (`int`, `str`): an object's address
is made of its `str()`, which a key by equality could not vouch for, so any other argument
is reversed every time as before.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.template import defaulttags
from django.template.base import Parser, Token
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.translation import get_language

register = template.Library()

# Addresses kept per process: those of the chrome and the lists' pages, and each object's
# page its rows link to (a few dozen bytes each).
ADDRESSES = 8192


@lru_cache(maxsize=ADDRESSES)
def _reversed(
    view_name: str,
    args: tuple[int | str, ...],
    kwargs: tuple[tuple[str, int | str], ...],
    current_app: str | None,
    script_prefix: str,
    urlconf: Any,
    language: str | None,
) -> str:
    # The last three are the key's only: reverse() reads them where they are kept.
    return reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)


def _plain(value: Any) -> bool:
    # A text literal of a template is a SafeString: a str, written as it is.
    return type(value) is int or isinstance(value, str)


class URLNode(defaulttags.URLNode):
    """Django's URLNode, its `reverse()` through `_reversed` when the key can vouch."""

    def render(self, context: template.Context) -> str:
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = tuple((name, value.resolve(context)) for name, value in self.kwargs.items())
        view_name = self.view_name.resolve(context)
        try:  # as Django's URLNode
            current_app = context.request.current_app  # type: ignore[attr-defined]
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace  # type: ignore[attr-defined]
            except AttributeError:
                current_app = None
        url = ""
        try:
            if _plain(view_name) and all(map(_plain, args)) and all(_plain(v) for _k, v in kwargs):
                url = _reversed(
                    view_name,
                    args,
                    kwargs,
                    current_app,
                    get_script_prefix(),
                    get_urlconf(),
                    get_language(),
                )
            else:
                url = reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser: Parser, token: Token) -> URLNode:
    """Django's `{% url %}` (same syntax, same output), reversing each address once."""
    django_node = defaulttags.url(parser, token)
    return URLNode(django_node.view_name, django_node.args, django_node.kwargs, django_node.asvar)
