"""Geometry for the charts drawn as inline SVG on the server.

These functions only place things (coordinates in the SVG's own user units); the templates in
templates/stats/ write the markup, and app.css colours it through classes, so the charts follow
the light and dark palettes and need no JavaScript. Dates are passed through untouched so the
templates can format them in the user's language.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import pgettext_lazy

# Heatmap: one column per week (Monday first), one row per weekday.
CELL = 11
CELL_STEP = 13
HEAT_LEFT = 30  # room for weekday names
HEAT_TOP = 16  # room for month names

# Bar chart.
BAR_STEP = 24  # 14 days fit a 375px phone at full size
BAR_WIDTH = 16
PLOT_HEIGHT = 100
BAR_TOP = 18  # room for the value above the tallest bar
BAR_BOTTOM = 36  # room for two lines of day labels


# Weekday names that fit a 24-unit bar or the heatmap's margin in both languages: Django's
# own short forms are three characters in Chinese (星期一), which overlap under the bars.
WEEKDAYS = (
    pgettext_lazy("weekday, at most 2 characters", "Mon"),
    pgettext_lazy("weekday, at most 2 characters", "Tue"),
    pgettext_lazy("weekday, at most 2 characters", "Wed"),
    pgettext_lazy("weekday, at most 2 characters", "Thu"),
    pgettext_lazy("weekday, at most 2 characters", "Fri"),
    pgettext_lazy("weekday, at most 2 characters", "Sat"),
    pgettext_lazy("weekday, at most 2 characters", "Sun"),
)


class _Weekday:
    @property
    def weekday(self):
        return WEEKDAYS[self.day.weekday()]


@dataclass(frozen=True)
class Cell:
    x: int
    y: int
    day: date
    reviews: int
    level: int


@dataclass(frozen=True)
class Label(_Weekday):
    x: int
    y: int
    day: date


@dataclass(frozen=True)
class Heatmap:
    width: int
    height: int
    cell: int
    cells: list[Cell]
    months: list[Label]
    weekdays: list[Label]


def heatmap(days) -> Heatmap:
    """Place HeatDay items (oldest first, consecutive) on a week-by-weekday grid."""
    days = list(days)
    if not days:
        return Heatmap(HEAT_LEFT, HEAT_TOP, CELL, [], [], [])
    first_monday = days[0].day - timedelta(days=days[0].day.weekday())
    columns = (days[-1].day - first_monday).days // 7 + 1
    cells, months = [], []
    for item in days:
        column = (item.day - first_monday).days // 7
        x = HEAT_LEFT + column * CELL_STEP
        y = HEAT_TOP + item.day.weekday() * CELL_STEP
        cells.append(Cell(x, y, item.day, item.reviews, item.level))
        # A month is named above the week of its first day, unless too close to the right edge.
        if item.day.day == 1 and column <= columns - 3:
            months.append(Label(x, HEAT_TOP - 5, item.day))
    # Monday, Wednesday and Friday of the first week name the rows.
    weekdays = [
        Label(
            HEAT_LEFT - 4, HEAT_TOP + row * CELL_STEP + CELL - 2, first_monday + timedelta(days=row)
        )
        for row in (0, 2, 4)
    ]
    width = HEAT_LEFT + columns * CELL_STEP
    return Heatmap(width, HEAT_TOP + 7 * CELL_STEP, CELL, cells, months, weekdays)


@dataclass(frozen=True)
class Bar(_Weekday):
    x: int
    y: int
    width: int
    height: int
    center: int
    value_y: int
    day: date
    value: int

    @property
    def day_number(self):
        """The day of the month, as the date filter's "j" writes it."""
        return self.day.day


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    baseline: int
    label_y: int
    sublabel_y: int
    bars: list[Bar]
    peak: int


def bar_chart(values) -> BarChart:
    """Place (day, value) pairs as bars scaled to the largest value; a zero gets no height."""
    values = list(values)
    peak = max((value for _day, value in values), default=0)
    baseline = BAR_TOP + PLOT_HEIGHT
    bars = []
    for index, (day, value) in enumerate(values):
        height = round(PLOT_HEIGHT * value / peak) if peak else 0
        if value and height < 2:
            height = 2  # a single review is still visible next to a busy day
        x = index * BAR_STEP + (BAR_STEP - BAR_WIDTH) // 2
        center = index * BAR_STEP + BAR_STEP // 2
        bars.append(
            Bar(x, baseline - height, BAR_WIDTH, height, center, baseline - height - 4, day, value)
        )
    return BarChart(
        width=max(len(values), 1) * BAR_STEP,
        height=baseline + BAR_BOTTOM,
        baseline=baseline,
        label_y=baseline + 15,
        sublabel_y=baseline + 30,
        bars=bars,
        peak=peak,
    )
