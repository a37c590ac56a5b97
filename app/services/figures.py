"""Charts drawn with matplotlib's object API (no pyplot), for reports and the findings page.

matplotlib (with numpy and Pillow, about 30 MiB) is imported when the first chart is drawn, not when the app starts,
so that a web worker that never draws one does not hold it (docs/operations.md, "Performance").
"""

import io


def new_figure(**options):
    """A matplotlib Figure: the same options as matplotlib.figure.Figure."""
    from matplotlib.figure import Figure

    return Figure(**options)


def png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
