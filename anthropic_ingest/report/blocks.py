"""Small HTML pieces the report is assembled from: tables, cards, notes, figures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape


def esc(text: object) -> str:
    return escape(str(text), quote=True)


@dataclass(frozen=True)
class Card:
    """A headline figure: the value, what it is, and an optional line of context."""

    value: str
    label: str
    note: str = ""
    exact: str = ""


def cards(items: Sequence[Card], kind: str = "") -> str:
    def one(c: Card) -> str:
        title = f' title="{esc(c.exact)}"' if c.exact else ""
        extra = f'<div class="card-note">{esc(c.note)}</div>' if c.note else ""
        return (
            f'<div class="card"><div class="card-value"{title}>{esc(c.value)}</div>'
            f'<div class="card-label">{esc(c.label)}</div>{extra}</div>'
        )

    extra = f" {kind}" if kind else ""
    return f'<div class="cards{extra}">{"".join(one(c) for c in items)}</div>'


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    numeric: Sequence[int] = (),
    empty: str = "No rows in this period.",
) -> str:
    """A table of already formatted cells; `numeric` columns are right-aligned."""
    if not rows:
        return note(empty)
    align = set(numeric)

    def cell(tag: str, i: int, text: str) -> str:
        cls = ' class="num"' if i in align else ""
        return f"<{tag}{cls}>{esc(text)}</{tag}>"

    head = "".join(cell("th", i, h) for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(cell("td", i, c) for i, c in enumerate(r)) + "</tr>" for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def figure(title: str, body: str, caption: str = "") -> str:
    """A titled chart or table box."""
    cap = f'<p class="caption">{esc(caption)}</p>' if caption else ""
    return f'<figure class="panel"><h3>{esc(title)}</h3>{body}{cap}</figure>'


def grid(*panels: str) -> str:
    """Two panels side by side on wide screens, stacked on narrow ones."""
    return f'<div class="grid">{"".join(panels)}</div>'


def grid3(*panels: str) -> str:
    """Three small panels side by side on wide screens."""
    return f'<div class="grid three">{"".join(panels)}</div>'


def note(text: str) -> str:
    return f'<p class="note">{esc(text)}</p>'


def unavailable(what: str, tables: Sequence[str]) -> str:
    """The box shown in place of a part whose tables are not loaded."""
    names = ", ".join(tables)
    return (
        f'<div class="unavailable"><strong>{esc(what)}: not available.</strong> '
        f"Load the table{'s' if len(tables) > 1 else ''} <code>{esc(names)}</code> "
        "to see it (see “What is missing” above).</div>"
    )


def section(anchor: str, title: str, lead: str, body: str) -> str:
    lead_html = f'<p class="lead">{lead}</p>' if lead else ""
    return f'<section id="{esc(anchor)}"><h2>{esc(title)}</h2>{lead_html}{body}</section>'
