"""MySQL/MariaDB: every table in the URI's database, named `<dataset>__<table>`.

In MySQL a schema is a database, so dlt's SQLAlchemy destination would create a database per
dataset (`anthropic`, `anthropic_staging`), which needs CREATE DATABASE rights and ignores the
database the user named. Here a dataset is a table-name prefix instead: `anthropic.users` is
the table `anthropic__users` of the URI's database, dlt's merge staging tables are
`anthropic_staging__users`, and its resume state is `anthropic___dlt_pipeline_state`.

Windowed loads delete the replaced days with a join on an indexed key column instead of
dlt's correlated `DELETE ... WHERE EXISTS`, which MariaDB runs once per row of the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dlt.common.libs.sql_alchemy import sa
from dlt.common.schema.utils import get_columns_names_with_prop, is_complete_column
from dlt.destinations import sqlalchemy as sqlalchemy_destination
from dlt.destinations.exceptions import DatabaseUndefinedRelation
from dlt.destinations.impl.sqlalchemy.db_api_client import SqlalchemyClient
from dlt.destinations.impl.sqlalchemy.merge_job import SqlalchemyMergeFollowupJob
from dlt.destinations.impl.sqlalchemy.sqlalchemy_job_client import SqlalchemyJobClient

from anthropic_ingest.errors import UsageError

SEPARATOR = "__"
MAX_NAME = 64  # MySQL's longest table name
KEY_INDEX = "anthropic_ingest_key"
TEXT_KEY_PREFIX = 100  # MySQL indexes TEXT columns by a prefix of this many characters


def table_name(dataset: str, table: str) -> str:
    """The MySQL table holding `table` of `dataset`: `<dataset>__<table>`."""
    return f"{dataset}{SEPARATOR}{table}"


def _like_prefix(dataset: str) -> str:
    escaped = table_name(dataset, "").replace("\\", "\\\\").replace("_", "\\_")
    return escaped.replace("%", "\\%") + "%"


class PrefixedClient(SqlalchemyClient):
    """dlt's SQLAlchemy client with datasets as table-name prefixes in one database."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.database = str(self.credentials.database)

    def physical(self, table: str, dataset: str | None = None) -> str:
        """The real table name of `table` in `dataset` (default: the current dataset)."""
        dataset = dataset or self.dataset_name
        name = table_name(dataset, table)
        if SEPARATOR in dataset:
            raise UsageError(
                f"--dataset {dataset!r}: on MySQL a dataset may not contain '{SEPARATOR}', "
                "which separates it from the table name"
            )
        if len(name) > MAX_NAME:
            raise UsageError(
                f"on MySQL the table {table} of dataset {dataset} is named {name}, longer than "
                f"MySQL's {MAX_NAME} characters: choose a shorter --dataset or table name"
            )
        return name

    def logical(self, physical: str) -> str:
        """The dlt table name of a table of the main or the staging dataset."""
        for dataset in (self.staging_dataset_name, self._main_dataset_name):
            prefix = table_name(dataset, "")
            if physical.startswith(prefix):
                return physical.removeprefix(prefix)
        raise ValueError(f"{physical} is not a table of dataset {self._main_dataset_name}")

    def has_dataset(self) -> bool:
        rows = self.execute_sql(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = %s "
            "AND table_name LIKE %s LIMIT 1",
            self.database,
            _like_prefix(self.dataset_name),
        )
        return bool(rows)

    def create_dataset(self) -> None:
        """Nothing to create: the dataset's tables go in the URI's database."""

    def drop_dataset(self) -> None:
        rows = self.execute_sql(
            "SELECT table_name, table_type FROM information_schema.tables "
            "WHERE table_schema = %s AND table_name LIKE %s",
            self.database,
            _like_prefix(self.dataset_name),
        )
        quote = self.dialect.identifier_preparer.quote_identifier
        # views first: they depend on the tables
        for name, kind in sorted(rows or [], key=lambda row: row[1] != "VIEW"):
            what = "VIEW" if kind == "VIEW" else "TABLE"
            self.execute_sql(f"DROP {what} IF EXISTS {quote(self.database)}.{quote(name)}")

    def truncate_tables(self, *tables: str) -> None:
        for table in tables:
            self.execute_sql(self._stub(table).delete())

    def drop_tables(self, *tables: str) -> None:
        for table in tables:
            self.execute_sql(sa.schema.DropTable(self._stub(table), if_exists=True))

    def _stub(self, table: str) -> sa.Table:
        return sa.Table(
            self.physical(table), self.metadata, schema=self.database, keep_existing=True
        )

    def get_existing_table(self, table_name: str) -> sa.Table | None:
        found: sa.Table | None = self.metadata.tables.get(
            f"{self.database}.{self.physical(table_name)}"
        )
        return found

    def to_dataset_table(self, table_obj: sa.Table, staging: bool = False) -> sa.Table:
        dataset = self.staging_dataset_name if staging else self.dataset_name
        name = self.physical(self.logical(str(table_obj.name)), dataset)
        existing: sa.Table | None = self.metadata.tables.get(f"{self.database}.{name}")
        if existing is not None:
            return existing
        copied: sa.Table = table_obj.to_metadata(self.metadata, schema=self.database, name=name)
        return copied

    def make_qualified_table_name_path(
        self,
        table_name: str | None,
        quote: bool = True,
        casefold: bool = True,
        dataset_name: str | None = None,
        catalog: str | None = None,
    ) -> list[str]:
        """[database] for the dataset itself, [database, <dataset>__<table>] for a table."""
        parts = [self.database]
        if table_name:
            parts.append(self.physical(table_name, dataset_name))
        if quote:
            parts = [self.dialect.identifier_preparer.quote_identifier(p) for p in parts]
        return parts

    def alter_table_add_columns(self, columns: Sequence[sa.Column]) -> None:
        if not columns:
            return
        if self.migrations is None:
            from dlt.destinations.impl.sqlalchemy.alter_table import MigrationMaker

            self.migrations = MigrationMaker(self.dialect)
        for column in columns:
            self.migrations.add_column(column.table.name, column, schema=self.database)
        for statement in self.migrations.consume_statements():
            self.execute_sql(statement)

    def reflect_table(
        self,
        table_name: str,
        metadata: sa.MetaData | None = None,
        include_columns: Sequence[str] | None = None,
    ) -> sa.Table | None:
        try:
            with self._ensure_transaction():
                return sa.Table(
                    self.physical(table_name),
                    self.metadata if metadata is None else metadata,
                    autoload_with=self._current_connection,
                    resolve_fks=False,
                    schema=self.database,
                    include_columns=include_columns,
                    extend_existing=True,
                )
        except DatabaseUndefinedRelation:
            return None


def _key_columns(schema_table: Any) -> list[str]:
    """The columns a merge deletes by: a window table's cursor (its loads delete a range of
    it), else the merge key, else the primary key."""
    if schema_table.get("write_disposition") != "merge":
        return []
    return (
        get_columns_names_with_prop(schema_table, "x-window-key")
        or get_columns_names_with_prop(schema_table, "merge_key")
        or get_columns_names_with_prop(schema_table, "primary_key")
    )


class PrefixedJobClient(SqlalchemyJobClient):
    """dlt's SQLAlchemy job client over `PrefixedClient`, with indexed merge keys."""

    sql_client: PrefixedClient

    def __init__(self, schema: Any, config: Any, capabilities: Any) -> None:
        super().__init__(schema, config, capabilities)
        base = self.sql_client
        self.sql_client = PrefixedClient(
            base.dataset_name, base.staging_dataset_name, config.credentials, capabilities
        )

    def _to_table_object(self, schema_table: Any) -> sa.Table:
        existing = self.sql_client.get_existing_table(schema_table["name"])
        if existing is not None and {c.name for c in existing.columns} == set(
            schema_table["columns"]
        ):
            return existing
        columns: list[Any] = [
            self._to_column_object(column, schema_table)
            for column in schema_table["columns"].values()
            if is_complete_column(column)
        ]
        if self.config.create_primary_keys:
            primary = get_columns_names_with_prop(schema_table, "primary_key")
            if primary:
                columns.append(sa.PrimaryKeyConstraint(*primary))
        table = sa.Table(
            self.sql_client.physical(schema_table["name"]),
            self.sql_client.metadata,
            *columns,
            extend_existing=True,
            schema=self.sql_client.database,
        )
        _index_keys(table, _key_columns(schema_table))
        adapted: sa.Table = self._dialect_caps.adapt_table(table, schema_table)
        return adapted

    def _create_merge_followup_jobs(self, table_chain: Sequence[Any]) -> list[Any]:
        for table in table_chain:
            self._to_table_object(table)
        return [JoinDeleteMergeJob.from_table_chain(table_chain, self.sql_client)]


def _index_keys(table: sa.Table, keys: list[str]) -> None:
    """Index the merge key, so a merge finds the rows it replaces without reading them all."""
    if not keys or any(index.name == KEY_INDEX for index in table.indexes):
        return
    lengths = {name: TEXT_KEY_PREFIX for name in keys if _unbounded_text(table.c[name].type)}
    sa.Index(KEY_INDEX, *(table.c[name] for name in keys), mysql_length=lengths)


def _unbounded_text(kind: Any) -> bool:
    """TEXT (or a JSON string), which MySQL indexes only by a prefix."""
    impl = getattr(kind, "impl", kind)
    return isinstance(impl, sa.Text) or (isinstance(impl, sa.String) and impl.length is None)


class JoinDeleteMergeJob(SqlalchemyMergeFollowupJob):
    """dlt's delete-insert merge, deleting the replaced rows with a join on the key."""

    @classmethod
    def gen_merge_sql(cls, table_chain: Sequence[Any], sql_client: Any) -> list[str]:
        statements: list[str] = super().gen_merge_sql(table_chain, sql_client)
        root = table_chain[0]
        merge_keys = get_columns_names_with_prop(root, "merge_key")
        primary_keys = get_columns_names_with_prop(root, "primary_key")
        keys = merge_keys or primary_keys
        plain = not root.get("x-merge-source-filter") and not root.get("x-merge-destination-scope")
        first = statements[0] if statements else ""
        # only the one shape dlt writes for a single table keyed one way; others stay as dlt
        # wrote them (correct, only slower)
        if not (plain and len(table_chain) == 1 and bool(merge_keys) != bool(primary_keys)):
            return statements
        if not (first.startswith("DELETE FROM") and "EXISTS" in first):
            return statements
        return [_join_delete(root["name"], keys, sql_client), *statements[1:]]


def _join_delete(table: str, keys: list[str], sql_client: Any) -> str:
    quote = sql_client.dialect.identifier_preparer.quote_identifier
    target = sql_client.make_qualified_table_name(table)
    with sql_client.with_staging_dataset():
        staging = sql_client.make_qualified_table_name(table)
    columns = ", ".join(quote(k) for k in keys)
    on = " AND ".join(f"d.{quote(k)} = s.{quote(k)}" for k in keys)
    return (
        f"DELETE d FROM {target} AS d JOIN (SELECT DISTINCT {columns} FROM {staging}) AS s ON {on}"
    )


class mysql_tables(sqlalchemy_destination):
    """dlt's SQLAlchemy destination with every dataset inside the URI's database."""

    @property
    def client_class(self) -> type[SqlalchemyJobClient]:
        return PrefixedJobClient
