"""Inline SVG charts drawn on the server: a horizontal bar per unit and a trend line over periods.
No JavaScript and no external library; labels are escaped, sizes are in the viewBox."""
from __future__ import annotations

from markupsafe import Markup, escape

BAR_COLOURS = ("#0b5d8f", "#7fb3d5")


def percent(share: float, digits: int = 0) -> str:
    """0.6125 -> '61%', or '61,3%' with a digit: the Vietnamese decimal comma."""
    return f"{share * 100:.{digits}f}".replace(".", ",") + "%"


def unit_bars(rows: list[tuple[str, float, float]], first_label: str, second_label: str,
              width: int = 900) -> Markup:
    """rows: (unit name, share paid through an account, share with an account), shares 0..1. Each
    unit has two bars one above the other, each with its own share written just after its end."""
    left, bar_area, row_height = 230, width - 230 - 50, 26
    height = 40 + row_height * len(rows)
    parts = [_svg_open(width, height, first_label)]
    parts.append(_legend([(first_label, BAR_COLOURS[0]), (second_label, BAR_COLOURS[1])], left))
    for tick in (0, 25, 50, 75, 100):
        x = left + bar_area * tick / 100
        parts.append(f'<line x1="{x:.1f}" y1="28" x2="{x:.1f}" y2="{height - 12}" stroke="#e3e8ee"/>'
                     f'<text x="{x:.1f}" y="{height}" text-anchor="middle" fill="#5b6776" '
                     f'font-size="10">{tick}%</text>')
    for index, (name, paid, accounts) in enumerate(rows):
        y = 30 + index * row_height
        parts.append(f'<text x="{left - 6}" y="{y + 15}" text-anchor="end" fill="#1d2733">'
                     f'{escape(name)}</text>')
        for offset, share, colour in ((2, paid, BAR_COLOURS[0]), (13, accounts, BAR_COLOURS[1])):
            end = left + bar_area * share
            parts.append(f'<rect x="{left}" y="{y + offset}" width="{end - left:.1f}" height="10" '
                         f'fill="{colour}">'
                         f'<title>{escape(name)}: {percent(share, 1)}</title></rect>'
                         f'<text x="{end + 4:.1f}" y="{y + offset + 9}" fill="#1d2733" font-size="10">'
                         f'{percent(share)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def trend_line(points: list[tuple[str, float]], caption: str, width: int = 900, height: int = 240) -> Markup:
    """points: (period label, share 0..1), oldest first."""
    left, right, top, bottom = 50, 40, 20, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    parts = [_svg_open(width, height, caption)]
    for tick in (0, 25, 50, 75, 100):
        y = top + plot_h * (1 - tick / 100)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#e3e8ee"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#5b6776" '
                     f'font-size="10">{tick}%</text>')
    if points:
        step = plot_w / max(1, len(points) - 1)
        coords = [(left + (step * i if len(points) > 1 else plot_w / 2), top + plot_h * (1 - share))
                  for i, (_, share) in enumerate(points)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{BAR_COLOURS[0]}" stroke-width="3"/>')
        for (x, y), (label, share) in zip(coords, points):
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" '
                         f'fill="{BAR_COLOURS[0]}"><title>{escape(label)}: '
                         f'{percent(share, 1)}</title></circle>'
                         f'<text x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle" font-size="11">'
                         f'{percent(share)}</text>'
                         f'<text x="{x:.1f}" y="{height - 18}" text-anchor="middle" '
                         f'fill="#5b6776">{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _svg_open(width: int, height: int, caption: str) -> str:
    return (f'<svg viewBox="0 0 {width} {height}" role="img" xmlns="http://www.w3.org/2000/svg" '
            f'aria-label="{escape(caption)}" font-size="12" font-family="system-ui, sans-serif">')


def _legend(items: list[tuple[str, str]], x: int) -> str:
    out, offset = [], x
    for text, colour in items:
        out.append(f'<rect x="{offset}" y="6" width="14" height="12" fill="{colour}"/>'
                   f'<text x="{offset + 20}" y="16" fill="#1d2733">{escape(text)}</text>')
        offset += 30 + 7 * len(text)
    return "".join(out)
