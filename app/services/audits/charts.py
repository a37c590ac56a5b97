"""Charts for the audit findings, drawn with matplotlib's object API (no pyplot) into PNG bytes."""

import io

from matplotlib.figure import Figure

from app.models import Grade

# GOV.UK colours, and a hatch per grade so the chart reads in greyscale too
GRADE_STYLE = {
    Grade.OUTSTANDING: ("#00703c", ""),
    Grade.GOOD: ("#85994b", "//"),
    Grade.REQUIRES_IMPROVEMENT: ("#f47738", ".."),
    Grade.INADEQUATE: ("#d4351c", "xx"),
}


def element_grades_png(by_element: list) -> bytes:
    """Each element's grades as a 100% bar, labelled with its percentages."""
    figure = Figure(figsize=(9, 0.5 * max(len(by_element), 1) + 1.4), dpi=100, layout="constrained")
    axes = figure.subplots()
    labels = [f"{number} {_short(label)}" for number, label, _ in by_element]
    left = [0.0] * len(labels)
    for grade, (colour, hatch) in GRADE_STYLE.items():
        widths = [shares[grade].percent or 0 for _, _, shares in by_element]
        bars = axes.barh(labels, widths, left=left, color=colour, hatch=hatch, edgecolor="white", label=grade.label)
        axes.bar_label(bars, labels=[f"{w}%" if w >= 8 else "" for w in widths], label_type="center", fontsize=8)
        left = [a + b for a, b in zip(left, widths, strict=True)]
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.set_xlabel("Share of audits (%)")
    axes.legend(ncols=4, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False, fontsize=8)
    return _png(figure)


def trend_png(by_month: list) -> bytes:
    """The share of audits graded Good or better, month by month, each point labelled with its percentage."""
    figure = Figure(figsize=(9, 3.2), dpi=100, layout="constrained")
    axes = figure.subplots()
    positions = range(len(by_month))
    percents = [share.percent or 0 for _, share in by_month]
    axes.plot(positions, percents, color="#1d70b8", marker="o", linewidth=2)
    for x, y in zip(positions, percents, strict=True):
        axes.annotate(f"{y}%", (x, y), textcoords="offset points", xytext=(0, 7), ha="center", fontsize=8)
    axes.set_xticks(positions, [month.strftime("%b %Y") for month, _ in by_month], rotation=45, fontsize=8)
    axes.set_ylim(0, 105)
    axes.set_ylabel("Good or better (%)")
    return _png(figure)


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _short(label: str, limit: int = 40) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def monthly_grades_png(by_month: list) -> bytes:
    """Each month's overall grades as a 100% column, labelled with its percentages; a month without graded audits
    is left empty and says so. by_month: (month, {Grade: Share}) pairs, oldest first."""
    figure = Figure(figsize=(9, 3.8), dpi=100, layout="constrained")
    axes = figure.subplots()
    positions = range(len(by_month))
    bottom = [0.0] * len(by_month)
    for grade, (colour, hatch) in GRADE_STYLE.items():
        heights = [shares[grade].percent or 0 for _, shares in by_month]
        bars = axes.bar(positions, heights, bottom=bottom, color=colour, hatch=hatch, edgecolor="white", label=grade.label)
        axes.bar_label(bars, labels=[f"{h}%" if h >= 8 else "" for h in heights], label_type="center", fontsize=8)
        bottom = [a + b for a, b in zip(bottom, heights, strict=True)]
    for position, (_, shares) in enumerate(by_month):
        if not any(share.total for share in shares.values()):
            axes.text(position, 50, "No graded\naudits", ha="center", va="center", fontsize=8)
    axes.set_xticks(positions, [month.strftime("%b %Y") for month, _ in by_month], fontsize=8)
    axes.set_ylim(0, 100)
    axes.set_ylabel("Share of audits (%)")
    axes.legend(ncols=4, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False, fontsize=8)
    return _png(figure)
