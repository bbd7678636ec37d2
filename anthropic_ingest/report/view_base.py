"""What every view declaration is made of: `ViewSpec`, the `ViewContext` its SQL is written
for, and the SQL fragments the declarations share (name lookups, empty stand-ins).

`views.VIEWS` lists the declarations; `create_views` creates them, and the report runs the
same SQL (limited to its days) as derived tables, so the page and the views never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from anthropic_ingest.report import sql
from anthropic_ingest.report.sql import DEFAULT_WORKSPACE
from anthropic_ingest.schema import Column, col
from anthropic_ingest.tables import TABLES

# The type of a column as information_schema names it, e.g. "timestamp with time zone".
ColumnType = Callable[[str, str], str]


def declared_type(dialect: str) -> ColumnType:
    """Column types as this tool loads them (for a view created right after a load)."""

    def column_type(table: str, column: str) -> str:
        kind = next((c.type for c in TABLES[table].columns if c.name == column), "timestamp")
        if kind == "date":
            return "date"
        return "datetime" if dialect == "mysql" else "timestamp with time zone"

    return column_type


@dataclass(frozen=True)
class ViewContext:
    """What a view's SQL needs to know about its destination.

    `days`, when set, limits the rows read to those UTC days (both included): the report
    reads a view over its own range that way.
    """

    dialect: str
    relation: Callable[[str], str]
    column_type: ColumnType | None = None
    days: tuple[date, date] | None = None

    def t(self, table: str) -> str:
        """The qualified table, or an empty stand-in when an optional lookup is absent."""
        return self.relation(table)

    def type_of(self, table: str, column: str) -> str:
        return (self.column_type or declared_type(self.dialect))(table, column)

    def day(self, table: str, alias: str, column: str) -> str:
        """The UTC day of a time column, as a DATE, whatever the session's time zone."""
        return sql.day(f"{alias}.{column}", self.type_of(table, column), self.dialect)

    def month(self, table: str, alias: str, column: str) -> str:
        """The first day of the UTC month of a time column, as a DATE."""
        return sql.month(self.day(table, alias, column), self.dialect)

    def within(self, table: str, alias: str, column: str) -> str:
        """A condition keeping the rows of `days` (always true without days)."""
        if self.days is None:
            return "1 = 1"
        kind = self.type_of(table, column)
        return sql.in_days(f"{alias}.{column}", kind, self.dialect, *self.days)


@dataclass(frozen=True)
class ViewSpec:
    """A view: its name, meaning, columns, the tables it reads and its SQL per dialect."""

    name: str
    description: str
    sources: tuple[str, ...]
    lookups: tuple[str, ...]
    columns: tuple[Column, ...]
    select: Callable[[ViewContext], str]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def sql(
        self,
        dialect: str,
        relation: Callable[[str], str],
        column_type: ColumnType | None = None,
        days: tuple[date, date] | None = None,
    ) -> str:
        """The SELECT behind the view for one of `sql.KNOWN_DIALECTS`."""
        return self.select(ViewContext(dialect, relation, column_type, days))


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def names(ctx: ViewContext, table: str, key: str = "id") -> str:
    """One name per ID (or email), so that joining it never multiplies rows."""
    return f"(SELECT {key} AS id, MAX(name) AS name FROM {ctx.t(table)} AS src GROUP BY {key})"


def workspace_name(alias: str, names_alias: str) -> str:
    return (
        f"CASE WHEN {alias}.workspace_id IS NULL THEN {literal(DEFAULT_WORKSPACE)} "
        f"ELSE COALESCE({names_alias}.name, {alias}.workspace_id) END"
    )


def same(table: str, *column_names: str) -> tuple[Column, ...]:
    """Columns passed through unchanged: their declaration is the table's."""
    by_name = {c.name: c for c in TABLES[table].columns}
    return tuple(by_name[n] for n in column_names)


WORKSPACE_NAME = col(
    "workspace_name",
    "text",
    f"The workspace's name; '{DEFAULT_WORKSPACE}' when workspace_id is null; the ID when "
    "the workspaces table does not know it.",
)

# CAST type names for the empty stand-ins of lookup tables that are not loaded.
_STAND_IN_TYPES: dict[str, dict[str, str]] = {
    "duckdb": {"timestamp": "TIMESTAMP WITH TIME ZONE", "bigint": "BIGINT", "bool": "BOOLEAN"},
    "postgres": {"timestamp": "TIMESTAMP WITH TIME ZONE", "bigint": "BIGINT", "bool": "BOOLEAN"},
    "mysql": {"timestamp": "DATETIME", "bigint": "SIGNED", "bool": "SIGNED"},
}
_EXACT = {"date": "DATE", "cents": "DECIMAL(38, 12)", "usd": "DECIMAL(38, 14)"}


def stand_in(table: str, dialect: str) -> str:
    """An empty relation with the declared columns of `table` (JSON and double ones left out)."""
    types = {**_STAND_IN_TYPES[dialect], **_EXACT, "text": sql.text_type(dialect)}
    columns = ", ".join(
        f"CAST(NULL AS {types[c.type]}) AS {c.name}"
        for c in TABLES[table].columns
        if c.type in types
    )
    return f"(SELECT {columns} FROM (SELECT 1 AS one) AS nothing WHERE 1 = 0)"
