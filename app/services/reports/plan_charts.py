"""Charts for the plan progress report, drawn with matplotlib's object API (no pyplot) into PNG bytes.

Each rating has a colour and a hatch, so the chart reads in greyscale and without colour vision; each figure is
written on its bar in a white box (so it reads over the hatching), and also in the alt text and in the table the
chart follows. Labels are written in full, wrapped over lines, never cut short. The chart is drawn at the width it is
printed (16 cm), so its text is printed at the size it is set in. Its margins are worked out from the labels' length
rather than by matplotlib's constrained layout, which lays the chart out twice (a third of the time of a chart).
"""

import textwrap

from app.models import Rating
from app.services.figures import new_figure, png
from app.services.plans.rag import RATING_WORDS
from app.services.reports.plan_data import RATINGS

RATING_STYLE = {
    Rating.RED: ("#d4351c", "xx"),
    Rating.AMBER: ("#ffbf47", ".."),
    Rating.GREEN: ("#00703c", "//"),
    Rating.NOT_RATED: ("#b1b4b6", ""),
}
WIDTH_INCHES = 16 / 2.54  # as printed in the report
LABEL_CHARACTERS = 26  # a line of a bar's label, at 8 pt beside the chart
CHARACTER_INCHES = 0.07  # the width of an average character at 8 pt, with room to spare
LEGEND_INCHES, AXIS_INCHES, EDGE_INCHES = 0.3, 0.45, 0.15  # above the bars; below them (numbers, title); each side
FIGURE_BOX = {"boxstyle": "square,pad=0.2", "facecolor": "white", "edgecolor": "none"}


def stacked_ratings_png(labels: list[str], counts: list[dict], *, axis_label: str) -> bytes:
    """One horizontal bar per label, split by rating, each part labelled with its count in a white box."""
    wrapped = [textwrap.fill(label, LABEL_CHARACTERS) for label in labels]
    lines = sum(label.count("\n") + 1 for label in wrapped)
    height = 0.13 * lines + 0.15 * len(labels) + 0.9
    figure = new_figure(figsize=(WIDTH_INCHES, height), dpi=150)
    longest_line = max((len(line) for label in wrapped for line in label.splitlines()), default=0)
    figure.subplots_adjust(left=(longest_line * CHARACTER_INCHES + EDGE_INCHES) / WIDTH_INCHES,
                           right=1 - EDGE_INCHES / WIDTH_INCHES, top=1 - LEGEND_INCHES / height,
                           bottom=AXIS_INCHES / height)
    axes = figure.subplots()
    left = [0] * len(labels)
    for rating in RATINGS:
        colour, hatch = RATING_STYLE[rating]
        widths = [part.get(rating.value, 0) for part in counts]
        bars = axes.barh(wrapped, widths, left=left, color=colour, hatch=hatch, edgecolor="white",
                         label=RATING_WORDS[rating])
        axes.bar_label(bars, labels=[str(w) if w else "" for w in widths], label_type="center", fontsize=8,
                       bbox=FIGURE_BOX)
        left = [a + b for a, b in zip(left, widths, strict=True)]
    axes.invert_yaxis()
    axes.tick_params(labelsize=8)
    axes.set_xlabel(axis_label, fontsize=8)
    axes.legend(ncols=4, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False, fontsize=8)
    return png(figure)


def describe_counts(labels: list[str], counts: list[dict]) -> str:
    """The chart's figures in words, for its alt text."""
    parts = []
    for label, part in zip(labels, counts, strict=True):
        figures = ", ".join(f"{part.get(r.value, 0)} {RATING_WORDS[r]}" for r in RATINGS)
        parts.append(f"{label}: {figures}")
    return "; ".join(parts) + "."
