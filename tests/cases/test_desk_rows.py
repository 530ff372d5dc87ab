"""The desk's rows rendered in Python (`overdue_rows`, `due_soon_rows`, `open_case_rows`
and the all-cases page's `case_list_rows` in the madoguchi tag library) give the markup the
template loops gave, character for character, in both languages, with rows and without."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

from madoguchi.cases.rows import CaseRow, PromiseRow
from madoguchi.engine.dialling import DeskCall
from madoguchi.engine.model import TOKYO

# The loops as dashboard.html had them before the tags.
OVERDUE_LOOP = """{% load i18n madoguchi %}  {% for p in overdue %}
    <div class="finding critical">
      <span class="badge critical">{% blocktranslate with age=p.due|age:now %}{{ age }} late{% endblocktranslate %}</span>
      <a href="{{ p.case.url }}">{{ p.case.site_name }} — {{ p.case }}</a><br>
      {% blocktranslate with party=p.by|party_name what=p.what|label due=p.due|when %}{{ party }} promised {{ what }} by {{ due }}.{% endblocktranslate %}{% if p.amount_yen %} ({{ p.amount_yen|yen }}){% endif %}{% if p.case.assignee_name %} · {{ p.case.assignee_name }}{% endif %}{% if p.call and p.call.dial %}
      <br><span class="phone">{{ p.call.desk_name }} <a href="tel:{{ p.call.dial }}"><span aria-hidden="true">☎</span> {{ p.call.dial }}</a> <span class="muted">{% translate "from a mobile" %}</span></span>{% endif %}
    </div>
  {% empty %}<p class="muted">{% translate "No overdue promises." %}</p>{% endfor %}"""  # noqa: E501
SOON_LOOP = """{% load i18n madoguchi %}{% for p in due_soon %}<li><strong>{{ p.due|when }}</strong> <a href="{{ p.case.url }}">{{ p.case.site_name }}</a>: {{ p.by|party_name }} — {{ p.what|label }}</li>{% empty %}<li class="muted">{% translate "Nothing due soon." %}</li>{% endfor %}"""  # noqa: E501
CASES_LOOP = """{% load i18n madoguchi %}    {% for c in cases %}
      <tr><td class="main"><a href="{{ c.url }}">{{ c }}</a></td><td data-label="{% translate 'Site' %}">{{ c.site_name }}</td><td data-label="{% translate 'Status' %}">{{ c.status_label }}{% include "cases/_waits_on.html" with waiting_on=c.waiting_on finding_holder=c.finding_holder parties=None %}</td>
          <td data-label="{% translate 'Opened' %}">{% blocktranslate with age=c.created|age:now %}{{ age }} ago{% endblocktranslate %}</td><td data-label="{% translate 'Outage' %}">{{ c.outage_started|age:now }}</td><td data-label="{% translate 'Assignee' %}">{{ c.assignee_name|default:"—" }}</td></tr>
    {% empty %}<tr><td colspan="6">{% translate "No open cases." %}</td></tr>{% endfor %}"""  # noqa: E501
# The all-cases page's loop as list.html had it before `case_list_rows`.
LIST_LOOP = """{% load i18n madoguchi %}{% for c in cases %}
    <tr><td class="main"><a href="{{ c.url }}">{{ c }}</a></td><td data-label="{% translate 'Site' %}">{{ c.site_name }}</td><td data-label="{% translate 'Status' %}">{{ c.status_label }}{% include "cases/_waits_on.html" with waiting_on=c.waiting_on finding_holder=c.finding_holder parties=None %}</td><td data-label="{% translate 'Opened' %}">{{ c.created|when }}</td><td data-label="{% translate 'Assignee' %}">{{ c.assignee_name|default:"—" }}</td></tr>
  {% empty %}<tr><td colspan="5">{% translate "No cases." %}</td></tr>{% endfor %}"""  # noqa: E501

NOW = dt.datetime(2026, 3, 4, 10, 0, tzinfo=TOKYO)


def _case(n: int, **changes: object) -> CaseRow:
    values: dict[str, object] = {
        "pk": n,
        "ref": f"R{n}",
        "title": "ネットが<つながらない> & 電話",
        "status": "waiting",
        "waiting_on": "docomo-hikari",
        "finding_holder": False,
        "site_name": 'A&B "本社"',
        "assignee_name": "alice",
        "created": NOW - dt.timedelta(days=3, hours=n),
        "outage_started": NOW - dt.timedelta(hours=5),
        "services": ["access"],
        "url": f"/cases/{n}/",
    }
    return CaseRow(**(values | changes))  # type: ignore[arg-type]


CASES = [
    _case(1),
    _case(2, finding_holder=True, assignee_name=None, outage_started=None),
    _case(3, waiting_on="", status="open"),
    _case(4, waiting_on="no-such-party", status="visit"),
]
PROMISES = [
    PromiseRow(
        pk=1,
        by="ntt-east",
        what="callback",
        amount_yen=None,
        due=NOW,
        organization_id=1,
        case=CASES[0],
        call=DeskCall(desk=None, desk_name="故障窓口 <光>", dial="0120-000-113"),
    ),
    PromiseRow(
        pk=2,
        by="so-net",
        what="refund",
        amount_yen=5280,
        due=NOW - dt.timedelta(days=2),
        organization_id=1,
        case=CASES[1],
    ),
]


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("empty", [False, True])
@pytest.mark.parametrize(
    ("loop", "tag"),
    [
        (OVERDUE_LOOP, "{% overdue_rows overdue now %}"),
        (SOON_LOOP, "{% due_soon_rows due_soon %}"),
        (CASES_LOOP, "    {% open_case_rows cases now %}"),
        (LIST_LOOP, "{% case_list_rows cases %}"),
    ],
    ids=["overdue", "due soon", "open cases", "all cases"],
)
def test_a_tag_renders_what_its_loop_rendered(lang: str, empty: bool, loop: str, tag: str) -> None:
    context = {
        "overdue": [] if empty else PROMISES,
        "due_soon": [] if empty else PROMISES,
        "cases": [] if empty else CASES,
        "now": NOW,
    }
    with translation.override(lang):
        before = Template(loop).render(Context(context))
        after = Template("{% load madoguchi %}" + tag).render(Context(context))
    if loop is OVERDUE_LOOP:
        before = before.removeprefix("  ")
    assert after == before
