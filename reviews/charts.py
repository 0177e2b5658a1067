"""Geometry for the dashboard's server-rendered SVG plots: numbers in, rectangles and labels out.

No drawing library and no JavaScript: templates/reviews/reviewing/partials/chart.html turns
these shapes into <svg> elements; colours come from CSS classes (series-0, series-1, ...).
"""

from collections import OrderedDict
from dataclasses import dataclass, field

WIDTH = 360
HEIGHT = 180
LEFT = 30
BOTTOM = 24
TOP = 10
MAX_BAR = 28


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int
    title: str


@dataclass
class Chart:
    title: str
    bars: list = field(default_factory=list)
    x_labels: list = field(default_factory=list)  # (x, text)
    y_ticks: list = field(default_factory=list)  # (y, text)
    legend: list = field(default_factory=list)  # (series, text)
    width: int = WIDTH
    height: int = HEIGHT
    empty: str = ""

    @property
    def baseline(self):
        return self.height - BOTTOM


def _y_axis(chart, top_value):
    top_value = max(top_value, 1)
    plot = chart.height - BOTTOM - TOP
    step = max(1, round(top_value / 4))
    chart.y_ticks = [
        (chart.height - BOTTOM - plot * v / top_value, str(v))
        for v in range(0, top_value + 1, step)
    ]
    return plot / top_value


def grouped_bars(title, groups, series_names, *, empty):
    """Bars grouped along x: `groups` is {x label: {series name: count}}."""
    chart = Chart(title=title, empty=empty)
    if not groups:
        return chart
    scale = _y_axis(chart, max(n for counts in groups.values() for n in counts.values()))
    slot = (chart.width - LEFT) / len(groups)
    bar = min(MAX_BAR, max(2.0, (slot - 4) / max(1, len(series_names))))
    for index, (label, counts) in enumerate(groups.items()):
        x0 = LEFT + index * slot + (slot - bar * len(series_names)) / 2
        for position, name in enumerate(series_names):
            n = counts.get(name, 0)
            if n:
                chart.bars.append(
                    Bar(
                        x=round(x0 + position * bar, 1),
                        y=round(chart.baseline - n * scale, 1),
                        width=round(bar - 1, 1),
                        height=round(n * scale, 1),
                        series=position,
                        title=f"{label}: {n} ({name})"
                        if len(series_names) > 1
                        else f"{label}: {n}",
                    )
                )
        every = max(1, len(groups) // 12)
        if index % every == 0:
            chart.x_labels.append((round(LEFT + index * slot + slot / 2, 1), label))
    if len(series_names) > 1:
        chart.legend = list(enumerate(series_names))
    return chart


def stacked_bars(title, groups, series_names, *, empty):
    """One bar per x label, stacked by series: `groups` is {x label: {series name: count}}."""
    chart = Chart(title=title, empty=empty)
    if not groups:
        return chart
    scale = _y_axis(chart, max(sum(counts.values()) for counts in groups.values()))
    slot = (chart.width - LEFT) / len(groups)
    for index, (label, counts) in enumerate(groups.items()):
        width = min(MAX_BAR * 2, slot * 0.6)
        x = LEFT + index * slot + (slot - width) / 2
        top = chart.baseline
        for position, name in enumerate(series_names):
            n = counts.get(name, 0)
            if n:
                top -= n * scale
                chart.bars.append(
                    Bar(
                        x=round(x, 1),
                        y=round(top, 1),
                        width=round(width, 1),
                        height=round(n * scale, 1),
                        series=position,
                        title=f"{label}: {n} {name}",
                    )
                )
        chart.x_labels.append((round(x + width / 2, 1), label))
    chart.legend = list(enumerate(series_names))
    return chart


def rating_chart(rows, scale):
    """Rating distribution per track: rows are (track, rating, count)."""
    tracks = list(OrderedDict.fromkeys(track for track, _rating, _n in rows))
    groups = OrderedDict((str(score), {}) for score in scale)
    for track, rating, n in rows:
        groups.setdefault(str(rating), {})[track] = n
    return grouped_bars(
        "Ratings by track",
        groups if rows else {},
        tracks,
        empty="No submitted reviews yet.",
    )


def timeline_chart(rows):
    """Reviews submitted per day: rows are (date, count)."""
    groups = OrderedDict((f"{day:%d %b}", {"reviews": n}) for day, n in rows)
    return grouped_bars(
        "Reviews submitted per day (UTC)", groups, ["reviews"], empty="No submitted reviews yet."
    )


def decision_chart(rows, outcome_labels):
    """Decisions by track: rows are (track, outcome, count)."""
    groups = OrderedDict()
    for track, outcome, n in rows:
        groups.setdefault(track, {})[outcome_labels[outcome]] = n
    return stacked_bars(
        "Decisions by track", groups, list(outcome_labels.values()), empty="No decisions yet."
    )
