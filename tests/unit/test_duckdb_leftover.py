"""A DuckDB file a failed run created is removed only when nothing was written into it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from anthropic_ingest.load.duckdb_names import removed_if_left_empty


class Stop(Exception):
    pass


def _fail_after(path: Path, sql: str | None) -> None:
    with pytest.raises(Stop), removed_if_left_empty(path):
        with duckdb.connect(str(path)) as connection:
            if sql:
                connection.execute(sql)
        raise Stop


@pytest.mark.parametrize(
    "sql",
    [
        "create schema anthropic",  # a schema alone holds no data
        "create schema anthropic; create table anthropic._dlt_loads (load_id text)",
    ],
)
def test_a_file_created_and_left_without_data_is_removed(tmp_path: Path, sql: str) -> None:
    db = tmp_path / "new.duckdb"
    _fail_after(db, sql)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "sql",
    [
        "create table t (x int)",
        "create schema s; create table s._dlt_loads (x int); create table s.users (x int)",
        "create schema s; create view s.v as select 1 as x",
    ],
)
def test_a_created_file_holding_a_table_or_view_stays(tmp_path: Path, sql: str) -> None:
    db = tmp_path / "new.duckdb"
    _fail_after(db, sql)
    assert db.is_file()


def test_a_file_that_existed_is_never_touched(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    duckdb.connect(str(db)).close()  # empty, but not this block's
    _fail_after(db, None)
    assert db.is_file()


def test_a_created_file_that_is_not_a_database_stays(tmp_path: Path) -> None:
    db = tmp_path / "new.duckdb"
    with pytest.raises(Stop), removed_if_left_empty(db):
        db.write_bytes(b"not a database")
        raise Stop
    assert db.read_bytes() == b"not a database"


def test_success_keeps_the_file_and_no_file_is_made(tmp_path: Path) -> None:
    db = tmp_path / "new.duckdb"
    with removed_if_left_empty(db):
        duckdb.connect(str(db)).close()
    assert db.is_file()
    missing = tmp_path / "never.duckdb"
    with pytest.raises(Stop), removed_if_left_empty(missing):
        raise Stop
    assert not missing.exists(), "looking for leftovers does not create the file"
