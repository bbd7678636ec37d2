"""The interactive progress board: one line per table that fits the terminal's width.

Every number stays whole: on a narrow terminal the bar goes first, then the table name is
shortened, and only on a very narrow one the time and then the row count are left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.progress import BarColumn, Progress, Task
from rich.table import Column, Table
from rich.text import Text

NAME_MAX, NAME_MIN = 28, 8
BAR_MIN, BAR_MAX = 6, 30


@dataclass(frozen=True)
class Layout:
    """Column widths of the board's lines; a width of 0 leaves that column out."""

    name: int
    bar: int
    counts: int
    rows: int
    time: int

    @property
    def width(self) -> int:
        parts = [w for w in (self.name, self.bar, self.counts, self.rows, self.time) if w]
        return sum(parts) + len(parts) - 1


def fit(width: int, name: int, counts: int, rows: int, time: int) -> Layout:
    """Widths for a `width`-column terminal, given the widest text of each column."""
    optional = [time, rows]  # left out in this order when even a short name does not fit
    while NAME_MIN + counts + sum(w + 1 for w in optional if w) > width and any(optional):
        optional[optional.index(next(w for w in optional if w))] = 0
    time, rows = optional
    fixed = counts + sum(w + 1 for w in (rows, time) if w)
    name = min(name, NAME_MAX)
    bar = width - fixed - name - 2
    if bar >= BAR_MIN:
        return Layout(name, min(bar, BAR_MAX), counts, rows, time)
    room = width - fixed - 1
    return Layout(max(NAME_MIN, min(name, room)), 0, counts, rows, time)


def clock(seconds: float) -> str:
    """`1:05` or, from an hour on, `1:02:05`."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def counts_text(task: Task) -> str:
    """`57/365 days`, or `3 pages` while the total is unknown."""
    unit = task.fields.get("unit", "")
    if task.total is None:
        return f"{int(task.completed)} {unit}"
    return f"{int(task.completed)}/{int(task.total)} {unit}"


def rows_text(task: Task) -> str:
    return f"{task.fields.get('rows', 0):,} rows"


def time_text(task: Task, paused: bool) -> str:
    """The ETA while fetching (`paused` during a rate-limit pause), the time taken after."""
    if task.finished:
        return f"done {clock(task.finished_time or task.elapsed or 0)}"
    if paused:
        return "paused"
    remaining = task.time_remaining
    return "eta -:--" if remaining is None else f"eta {clock(remaining)}"


Status = Callable[[], tuple[str | None, bool]]  # the status line; whether requests pause


class Board:
    """The lines of every table, then the status line (a wait, or the load phase). The
    status is read as the board is drawn: Rich draws the last board again when a line is
    printed above it, and a wait may have ended since."""

    def __init__(self, tasks: Sequence[Task], status: Status) -> None:
        self._tasks = tasks
        self._status = status

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        status, paused = self._status()
        if self._tasks:
            yield self._grid(options.max_width, paused)
        if status:
            yield Text(status, no_wrap=True, overflow="ellipsis", style="yellow")

    def _grid(self, width: int, paused: bool) -> Table:
        texts = [
            (task, counts_text(task), rows_text(task), time_text(task, paused))
            for task in self._tasks
        ]
        layout = fit(
            width,
            max(len(task.description) for task in self._tasks),
            max(_counts_width(task) for task in self._tasks),
            max(len(rows) for _, _, rows, _ in texts),
            max(len(time) for _, _, _, time in texts),
        )
        grid = Table.grid(*_columns(layout), padding=(0, 1, 0, 0))
        bar = BarColumn(bar_width=layout.bar)
        for task, counts, rows, time in texts:
            cells: list[RenderableType] = [Text(task.description)]
            if layout.bar:
                cells.append(bar.render(task))
            cells.append(Text(counts, style="bold"))
            cells += [Text(t) for t, w in ((rows, layout.rows), (time, layout.time)) if w]
            grid.add_row(*cells)
        return grid


def _counts_width(task: Task) -> int:
    """The counts' width once the table is done, so the columns do not move as it advances."""
    if task.total is None:
        return len(counts_text(task))
    total = int(task.total)
    return len(f"{total}/{total} {task.fields.get('unit', '')}")


def _columns(layout: Layout) -> Iterable[Column]:
    yield Column(width=layout.name, no_wrap=True, overflow="ellipsis")
    if layout.bar:
        yield Column(width=layout.bar, no_wrap=True)
    yield Column(width=layout.counts, justify="right", no_wrap=True)
    for width, style in ((layout.rows, "cyan"), (layout.time, "dim")):
        if width:
            yield Column(width=width, justify="right", no_wrap=True, style=style)


class BoardProgress(Progress):
    """Rich's Progress (task state, speed, ETA, live refresh) drawn as a `Board`."""

    def __init__(self, console: Console, status: Status) -> None:
        self._status = status  # before Progress starts: it renders once as it is built
        super().__init__(console=console, transient=False, refresh_per_second=4)

    def get_renderables(self) -> Iterable[RenderableType]:
        yield Board(self.tasks, self._status)
