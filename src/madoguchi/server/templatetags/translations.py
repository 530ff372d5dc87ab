"""Django's `i18n` library, its `{% translate %}` of a constant text translated once per
language in a process. Templates load it as `{% load translations %}` in place of
`{% load i18n %}`: every tag and filter of `i18n` is here under its own name.

Why: a desk page writes sixty to a hundred and seventy `{% translate "…" %}` of constant
texts, each resolved, translated, escaped and unescaped again on every render: about a
tenth of the case page's and the dashboard's CPU (issue 26: the team server's pages a
second, the case page side by side with django-helpdesk). A constant's translation only
depends on the active language (the catalogs are fixed for the process), so it is kept.

Only a constant text without a filter, a message context, `noop` or `as` is kept; any
other use is Django's node as it is. The output is Django's, character for character
(tests/server/test_translate_tag.py compares them).
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.template.base import Parser, Token
from django.templatetags import i18n
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

register = template.Library()
register.tags.update(i18n.register.tags)
register.filters.update(i18n.register.filters)

# Constant texts kept per process and language: every `{% translate %}` of the templates
# (about a thousand texts, each short).
TEXTS = 8192


@lru_cache(maxsize=TEXTS)
def _translated(language: str | None, text: str) -> SafeString:
    # `language` is the key's only: gettext reads the active translation where it is kept.
    # As Django's node writes a constant: a template's literal is safe, so is its
    # translation; its percent signs are doubled for the catalog's lookup, then restored.
    return mark_safe(gettext(mark_safe(text.replace("%", "%%"))).replace("%%", "%"))


class TranslateNode(i18n.TranslateNode):
    """Django's TranslateNode, a constant text's translation through `_translated`."""

    def render(self, context: template.Context) -> str:
        expression = self.filter_expression
        text = expression.var.literal
        if (
            isinstance(text, str)
            and not expression.filters
            and not self.noop
            and self.message_context is None
            and self.asvar is None
        ):
            return _translated(get_language(), text)
        return super().render(context)


@register.tag("translate")
@register.tag("trans")
def do_translate(parser: Parser, token: Token) -> TranslateNode:
    """Django's `{% translate %}` (same syntax, same output), a constant translated once."""
    node = i18n.do_translate(parser, token)
    return TranslateNode(node.filter_expression, node.noop, node.asvar, node.message_context)
