"""Charts for the audit findings, drawn with matplotlib's object API (no pyplot) into PNG bytes.

Drawn to be read on paper by a board: the full element names (wrapped, never cut), every share labelled in a white
box that reads over the hatching, and shares too narrow for a label written beside the bar instead.
"""

import textwrap

from app.models import Grade
from app.services.figures import new_figure, png

# GOV.UK colours, and a hatch per grade so the chart reads in greyscale too
GRADE_STYLE = {
    Grade.OUTSTANDING: ("#00703c", ""),
    Grade.GOOD: ("#85994b", "//"),
    Grade.REQUIRES_IMPROVEMENT: ("#f47738", ".."),
    Grade.INADEQUATE: ("#d4351c", "xx"),
}
LABEL_BOX = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"}
NARROW = 8  # percent: a share narrower than this is labelled beside its bar, not on it
LABEL_WIDTH = 44  # characters a line of an element's name, wrapped


def element_grades_png(by_element: list) -> bytes:
    """Each element's grades as a 100% bar, labelled with its percentages; the shares too narrow to label on the
    bar are listed beside it ("Outstanding 3%"). by_element: (number, label, {Grade: Share}) triples."""
    names = [textwrap.fill(f"{number} {label}", LABEL_WIDTH) for number, label, _ in by_element]
    lines = sum(max(name.count("\n") + 1, 2) for name in names) or 2
    figure = new_figure(figsize=(9, 0.19 * lines + 1.0), dpi=100, layout="constrained")
    axes = figure.subplots()
    positions = range(len(names))
    left = [0.0] * len(names)
    beside: list[list[str]] = [[] for _ in names]
    for grade, (colour, hatch) in GRADE_STYLE.items():
        widths = [shares[grade].percent or 0 for _, _, shares in by_element]
        bars = axes.barh(positions, widths, left=left, color=colour, hatch=hatch, edgecolor="white", label=grade.label)
        axes.bar_label(bars, labels=[f"{w}%" if w >= NARROW else "" for w in widths], label_type="center",
                       fontsize=8, bbox=LABEL_BOX)
        for row, width in enumerate(widths):
            if 0 < width < NARROW:
                beside[row].append(f"{grade.label} {width}%")
        left = [a + b for a, b in zip(left, widths, strict=True)]
    for row, words in enumerate(beside):
        if words:
            axes.text(101, row, "\n".join(words), va="center", ha="left", fontsize=7.5)
    axes.set_yticks(positions, names, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(0, 125 if any(beside) else 100)
    axes.set_xticks(range(0, 101, 20))
    axes.set_xlabel("Share of audits (%)")
    axes.spines[["top", "right"]].set_visible(False)
    axes.spines["bottom"].set_bounds(0, 100)
    axes.legend(ncols=4, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False, fontsize=8)
    return png(figure)


def trend_png(by_month: list) -> bytes:
    """The share of audits graded Good or better, month by month, each point labelled with its percentage."""
    figure = new_figure(figsize=(9, 2.8), dpi=100, layout="constrained")
    axes = figure.subplots()
    positions = range(len(by_month))
    percents = [share.percent or 0 for _, share in by_month]
    axes.plot(positions, percents, color="#1d70b8", marker="o", linewidth=2)
    for x, y in zip(positions, percents, strict=True):
        axes.annotate(f"{y}%", (x, y), textcoords="offset points", xytext=(0, 7), ha="center", fontsize=8,
                      bbox=LABEL_BOX)
    axes.set_xticks(positions, [month.strftime("%b %Y") for month, _ in by_month], fontsize=8)
    axes.set_ylim(0, 110)
    axes.set_ylabel("Good or better (%)")
    return png(figure)


def monthly_grades_png(by_month: list) -> bytes:
    """Each month's overall grades as a 100% column, labelled with its percentages (a share too small to label
    inside its column is written beside it); a month without graded audits is left empty and says so. by_month:
    (month, {Grade: Share}) pairs, oldest first."""
    figure = new_figure(figsize=(9, 3.3), dpi=100, layout="constrained")
    axes = figure.subplots()
    positions = range(len(by_month))
    bottom = [0.0] * len(by_month)
    for grade, (colour, hatch) in GRADE_STYLE.items():
        heights = [shares[grade].percent or 0 for _, shares in by_month]
        bars = axes.bar(positions, heights, bottom=bottom, width=0.6, color=colour, hatch=hatch, edgecolor="white",
                        label=grade.label)
        axes.bar_label(bars, labels=[f"{h}%" if h >= NARROW else "" for h in heights], label_type="center",
                       fontsize=8, bbox=LABEL_BOX)
        for position, (height, base) in enumerate(zip(heights, bottom, strict=True)):
            if 0 < height < NARROW:
                axes.text(position + 0.32, base + height / 2, f"{height}%", va="center", ha="left", fontsize=7.5)
        bottom = [a + b for a, b in zip(bottom, heights, strict=True)]
    for position, (_, shares) in enumerate(by_month):
        if not any(share.total for share in shares.values()):
            axes.text(position, 50, "No graded\naudits", ha="center", va="center", fontsize=8)
    axes.set_xticks(positions, [month.strftime("%B %Y") for month, _ in by_month], fontsize=8)
    axes.set_ylim(0, 100)
    axes.set_ylabel("Share of audits (%)")
    axes.legend(ncols=4, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False, fontsize=8)
    return png(figure)
