"""Charts: achievement rates as horizontal bars, each labelled with its counts.

Every label object of a reportlab chart has its own font, Helvetica by default, which has no
Japanese: each one is set here explicitly. A bar is labelled "27 / 30" (the counts behind the
rate); a row without a result is labelled as missing, never drawn as 0%.
"""

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.textlabels import NA_Label
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from audit.domain.scoring import Achievement
from audit.pdf import styles
from audit.pdf.fonts import BOLD, REGULAR

#: the colours of the series, this year's first
SERIES_COLOURS = (styles.ACCENT, styles.PREVIOUS)
TITLE_SPACE = 13
AXIS_SPACE = 14
LEGEND_SPACE = 12


def _rate(achievement: Achievement | None) -> float | None:
    if achievement is None or achievement.rate is None:
        return None
    return float(achievement.rate * 100)


def _counts(achievement: Achievement | None) -> str:
    if achievement is None or not achievement.applicable:
        return ""
    return f"{achievement.passed} / {achievement.applicable}"


def achievement_bars(
    rows: Sequence[tuple[str, Sequence[Achievement | None]]],
    series: Sequence[str],
    *,
    width: float,
    height: float,
    title: str = "",
    missing: str = "—",
    font_size: float = styles.CHART_FONT_SIZE,
) -> Drawing:
    """One row of bars per category (top to bottom in the given order), one bar per series.

    :param rows: (category label, one achievement per series); None where there is none.
    :param series: the series' names, shown in a legend when there are two or more.
    :param missing: the label of a bar with no result.
    """
    drawing = Drawing(width, height)
    drawing.initialFontName = REGULAR  # else the drawing starts in Helvetica
    labels = [label for label, _values in rows]
    label_width = max((stringWidth(label, REGULAR, font_size) for label in labels), default=0)
    label_width = min(label_width, width * 0.42) + 6
    top = height - (TITLE_SPACE if title else 2) - (LEGEND_SPACE if len(series) > 1 else 0)

    chart = HorizontalBarChart()
    chart.x, chart.y = label_width, AXIS_SPACE
    chart.width = width - label_width - 8 * font_size / 2 * 1.2 - 4
    chart.height = max(top - AXIS_SPACE, 10)
    # reportlab draws the first category at the bottom and, within a category, the first
    # series lowest: both are reversed so that rows read top to bottom, this year first.
    chart.data = [
        [_rate(values[index]) for _label, values in reversed(rows)]
        for index in reversed(range(len(series)))
    ]
    chart.barLabelFormat = "values"
    chart.barLabelArray = [
        [_counts(values[index]) for _label, values in reversed(rows)]
        for index in reversed(range(len(series)))
    ]
    chart.categoryAxis.categoryNames = list(reversed(labels))
    chart.categoryAxis.labels.fontName = REGULAR
    chart.categoryAxis.labels.fontSize = font_size
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -3
    chart.categoryAxis.strokeColor = styles.RULE
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 25
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.valueAxis.labels.fontName = REGULAR
    chart.valueAxis.labels.fontSize = font_size - 1
    chart.valueAxis.strokeColor = styles.RULE
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#d9d9d9")
    chart.valueAxis.gridStrokeWidth = 0.4
    chart.barLabels.fontName = REGULAR
    chart.barLabels.fontSize = font_size - 1
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 2
    chart.naLabel = NA_Label()
    chart.naLabel.text = missing
    chart.naLabel.fontName = REGULAR
    chart.naLabel.fontSize = font_size - 1
    chart.naLabel.fillColor = styles.MUTED
    chart.naLabel.boxAnchor = "w"
    chart.naLabel.dx = 2
    chart.barSpacing = 0.5
    chart.groupSpacing = 3
    for index in range(len(series)):
        bar = chart.bars[len(series) - 1 - index]
        bar.fillColor = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        bar.strokeColor = None
    drawing.add(chart)

    if title:
        drawing.add(
            String(
                0, height - 9, title, fontName=BOLD, fontSize=font_size + 0.5, fillColor=styles.INK
            )
        )
    if len(series) > 1:
        legend = Legend()
        legend.fontName = REGULAR
        legend.fontSize = font_size
        legend.alignment = "right"
        legend.columnMaximum = 1
        legend.dx = legend.dy = 7
        legend.deltax = 8
        legend.x = label_width
        legend.y = height - (TITLE_SPACE if title else 0) - 2
        legend.colorNamePairs = [
            (SERIES_COLOURS[index % len(SERIES_COLOURS)], name) for index, name in enumerate(series)
        ]
        drawing.add(legend)
    return drawing
