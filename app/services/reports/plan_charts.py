"""Charts for the plan progress report, drawn with matplotlib's object API (no pyplot) into PNG bytes.

Each rating has a colour and a hatch, so the chart reads in greyscale and without colour vision; the figures are
also written on the bars, in the alt text and in a table beside the chart.
"""

import io

from matplotlib.figure import Figure

from app.models import Rating
from app.services.plans.rag import RATING_WORDS
from app.services.reports.plan_data import RATINGS

RATING_STYLE = {
    Rating.RED: ("#d4351c", "xx"),
    Rating.AMBER: ("#ffbf47", ".."),
    Rating.GREEN: ("#00703c", "//"),
    Rating.NOT_RATED: ("#b1b4b6", ""),
}


def stacked_ratings_png(labels: list[str], counts: list[dict], *, axis_label: str) -> bytes:
    """One horizontal bar per label, split by rating, each part labelled with its count."""
    figure = Figure(figsize=(9, 0.55 * max(len(labels), 1) + 1.5), dpi=100, layout="constrained")
    axes = figure.subplots()
    left = [0] * len(labels)
    for rating in RATINGS:
        colour, hatch = RATING_STYLE[rating]
        widths = [part.get(rating.value, 0) for part in counts]
        bars = axes.barh(labels, widths, left=left, color=colour, hatch=hatch, edgecolor="white",
                         label=RATING_WORDS[rating])
        axes.bar_label(bars, labels=[str(w) if w else "" for w in widths], label_type="center", fontsize=8)
        left = [a + b for a, b in zip(left, widths, strict=True)]
    axes.invert_yaxis()
    axes.set_xlabel(axis_label)
    axes.legend(ncols=4, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False, fontsize=8)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def describe_counts(labels: list[str], counts: list[dict]) -> str:
    """The chart's figures in words, for its alt text."""
    parts = []
    for label, part in zip(labels, counts, strict=True):
        figures = ", ".join(f"{part.get(r.value, 0)} {RATING_WORDS[r]}" for r in RATINGS)
        parts.append(f"{label}: {figures}")
    return "; ".join(parts) + "."
