"""The monthly cost per party over the last 24 months, as a server-rendered SVG (no script:
readable on a phone, and in print, where the legend and the numbers carry it)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape

from madoguchi.bills.selectors import monthly_totals, months_back
from madoguchi.contracts.models import BillLine, Site

MONTHS = 24
# Colours that stay apart for the common colour-vision differences (Okabe–Ito), then grey.
COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999"]
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 360, 180, 44, 22, 8


@dataclass(frozen=True)
class Series:
    party: str
    name: str
    colour: str
    total: int  # over the chart's months


@dataclass(frozen=True)
class Chart:
    svg: str
    series: list[Series]
    first: str
    last: str


def monthly_chart(
    site: Site,
    *,
    name: Callable[[str], str],
    month_label: Callable[[str], str],
    yen: Callable[[int], str],
    lines: Iterable[BillLine] | None = None,
) -> Chart | None:
    """The site's bill lines per month and party, stacked; None without bill lines.
    `lines`: as for `monthly_totals`."""
    totals = monthly_totals(site, lines)
    if not totals:
        return None
    latest = max(month for months in totals.values() for month in months)
    months = list(reversed(months_back(latest, MONTHS)))
    ranked = sorted(totals, key=lambda p: -sum(totals[p].get(m, 0) for m in months))
    shown = ranked[: len(COLOURS) - 1]
    series = [
        Series(p, name(p), COLOURS[i], sum(totals[p].get(m, 0) for m in months))
        for i, p in enumerate(shown)
    ]
    others = ranked[len(shown) :]
    if others:
        series.append(
            Series("", "…", COLOURS[-1], sum(totals[p].get(m, 0) for p in others for m in months))
        )
    series = [s for s in series if s.total > 0]
    if not series:
        return None

    def value(s: Series, month: str) -> int:
        parties = [s.party] if s.party else others
        return max(sum(totals[p].get(month, 0) for p in parties), 0)

    peak = max(sum(value(s, m) for s in series) for m in months) or 1
    plot_w, plot_h = WIDTH - LEFT - 4, HEIGHT - BOTTOM - TOP
    step = plot_w / len(months)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="bill-chart" role="img" aria-label="{escape(month_label(months[0]))} – '
        f'{escape(month_label(months[-1]))}">',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - 4}" y2="{TOP + plot_h}" '
        'stroke="#555" stroke-width="0.5"/>',
        f'<text x="{LEFT - 3}" y="{TOP + 7}" text-anchor="end" font-size="8">'
        f"{escape(yen(peak))}</text>",
        f'<text x="{LEFT - 3}" y="{TOP + plot_h}" text-anchor="end" font-size="8">0</text>',
    ]
    for i, month in enumerate(months):
        x = LEFT + i * step
        base = float(TOP + plot_h)
        for s in series:
            amount = value(s, month)
            if not amount:
                continue
            h = amount / peak * plot_h
            base -= h
            parts.append(
                f'<rect x="{x + 1:.1f}" y="{base:.1f}" width="{step - 2:.1f}" height="{h:.1f}" '
                f'fill="{s.colour}"><title>{escape(month_label(month))} {escape(s.name)} '
                f"{escape(yen(amount))}</title></rect>"
            )
        last = i == len(months) - 1
        if i % 6 == 0 or last:
            at, anchor = (WIDTH - 4, "end") if last else (x + step / 2, "middle")
            parts.append(
                f'<text x="{at:.1f}" y="{HEIGHT - 8}" text-anchor="{anchor}" '
                f'font-size="7">{escape(month_label(month))}</text>'
            )
    parts.append("</svg>")
    return Chart("".join(parts), series, months[0], months[-1])
