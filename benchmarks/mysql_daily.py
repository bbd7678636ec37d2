"""A daily incremental `sync` into MariaDB/MySQL, against PostgreSQL's time for the same run.

Run by hand (not part of the test suite), with both servers on 127.0.0.1:

    .venv/bin/python benchmarks/mysql_daily.py [--users 40] [--days 180] [--runs 3]

Each destination gets a backfill of `--days` days, then `--runs` daily incremental syncs (the
same 18-19 requests each), timed in-process. Three destinations: PostgreSQL; MariaDB through
dlt's stock SQLAlchemy destination (a database per dataset, the way anthropic-ingest loaded
MySQL before: "stock"); and MariaDB as anthropic-ingest loads it now (tables in the URI's
database, windows replaced with an indexed join: "ours"). Every dataset it creates is dropped.
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from datetime import UTC, date, datetime, timedelta

import dlt
import psycopg2
import pymysql
from dlt.destinations.impl.sqlalchemy.configuration import SqlalchemyCredentials

from anthropic_ingest import service
from anthropic_ingest.emulator import EmulatorConfig, running_emulator
from anthropic_ingest.load.destinations import ATOMIC_REPLACE, DestinationConfig
from anthropic_ingest.load.plan import LoadPlan, Target
from anthropic_ingest.load.runner import run_load
from anthropic_ingest.tables import TABLES

PG_URI = "postgresql://postgres@127.0.0.1:5432/test"
MYSQL_URI = "mysql://root@127.0.0.1:3306/test"
START = date(2025, 1, 1)


def _stock_mysql(plan: LoadPlan) -> LoadPlan:
    """The plan with dlt's own SQLAlchemy destination in place of anthropic-ingest's."""
    credentials = SqlalchemyCredentials("mysql+pymysql://root:@127.0.0.1:3306/test")
    credentials.password = ""
    stock = dlt.destinations.sqlalchemy(credentials=credentials, **ATOMIC_REPLACE)
    plan.destination = DestinationConfig("mysql", stock, "mysql (dlt stock)")
    return plan


def _sync(kind: str, source: str, dataset: str, now: datetime, first: str | None) -> float:
    """One sync of every table; its wall time in seconds."""
    uri = PG_URI if kind == "postgresql" else MYSQL_URI
    started = time.perf_counter()
    if kind == "stock":
        targets = [Target(spec, name) for name, spec in TABLES.items()]
        plan = service._plan(source, uri, dataset, targets, first, None, now)
        run_load(_stock_mysql(plan))
    else:
        service.sync(source, uri, dataset=dataset, interval_start=first, now=now)
    return time.perf_counter() - started


def _drop(kind: str, dataset: str) -> None:
    if kind == "postgresql":
        connection = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="test")
        with connection, connection.cursor() as cur:
            for name in (dataset, f"{dataset}_staging"):
                cur.execute(f'drop schema if exists "{name}" cascade')
        connection.close()
        return
    conn = pymysql.connect(host="127.0.0.1", user="root", password="", database="test")
    with conn.cursor() as cur:
        for name in (dataset, f"{dataset}_staging"):
            cur.execute(f"drop database if exists `{name}`")
            cur.execute(
                "select table_name, table_type from information_schema.tables "
                "where table_schema = 'test' and table_name like %s",
                (name.replace("_", "\\_") + "\\_\\_%",),
            )
            for table, kind_ in sorted(cur.fetchall(), key=lambda row: row[1] != "VIEW"):
                cur.execute(f"drop {'view' if kind_ == 'VIEW' else 'table'} `{table}`")
    conn.close()


def measure(kind: str, source: str, days: int, runs: int) -> tuple[float, list[float]]:
    """(backfill seconds, daily run seconds) for one destination."""
    dataset = "bench_" + uuid.uuid4().hex[:8]
    day = datetime.combine(START + timedelta(days=days), datetime.min.time(), UTC)
    try:
        backfill = _sync(kind, source, dataset, day + timedelta(hours=6), START.isoformat())
        daily = [
            _sync(kind, source, dataset, day + timedelta(days=n, hours=6), None)
            for n in range(1, runs + 1)
        ]
    finally:
        _drop(kind, dataset)
    return backfill, daily


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--days", type=int, default=180, help="days backfilled first")
    parser.add_argument("--runs", type=int, default=3, help="daily runs timed")
    args = parser.parse_args()
    end = START + timedelta(days=args.days + args.runs + 1)
    config = EmulatorConfig(seed=42, users=args.users, start_date=START, end_date=end)
    print(f"{args.users} users, {args.days} days backfilled, then {args.runs} daily syncs")
    print(f"{'destination':<34} {'backfill':>9} {'daily (median)':>15}  daily runs")
    with running_emulator(config) as emu:
        source = f"anthropic://?api_key={emu.admin_key}&base_url={emu.base_url}"
        for kind, label in (
            ("postgresql", "PostgreSQL"),
            ("stock", "MariaDB, dlt stock (before)"),
            ("mysql", "MariaDB, anthropic-ingest (after)"),
        ):
            backfill, daily = measure(kind, source, args.days, args.runs)
            runs = ", ".join(f"{s:.2f}" for s in daily)
            print(f"{label:<34} {backfill:>8.1f}s {statistics.median(daily):>14.2f}s  {runs}")


if __name__ == "__main__":
    main()
