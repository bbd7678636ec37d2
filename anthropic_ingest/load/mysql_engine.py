"""The SQLAlchemy engine of a MySQL/MariaDB destination: one pool per run, TLS set up once.

PyMySQL 2 prefers TLS: every new connection builds a default TLS context, loading the
system's CA certificates (about 30 ms of CPU, holding the GIL), even when the server offers
no TLS. dlt opens a connection for every load job and follow-up job, each on an engine of its
own, so a daily run spent about a second doing that. Here all of a run's jobs share one
pooled engine, and connections share one default context (the same settings: PyMySQL's
`ssl_*` options, given in the URI, still build their own).
"""

from __future__ import annotations

import threading
from typing import Any

import pymysql
from dlt.common.libs.sql_alchemy import sa

_lock = threading.Lock()
_default_context: list[Any] = []


class _Connection(pymysql.connections.Connection):
    """PyMySQL's connection, reusing the default TLS context of the first one."""

    def _create_ssl_ctx(self, sslp: Any) -> Any:
        if sslp:
            return super()._create_ssl_ctx(sslp)
        with _lock:
            if not _default_context:
                _default_context.append(super()._create_ssl_ctx(sslp))
            return _default_context[0]


def _connect(dialect: Any, record: Any, cargs: Any, cparams: Any) -> Any:
    return _Connection(*cargs, **cparams)


def mysql_engine(url: str) -> sa.engine.Engine:
    """A pooled engine for `url` (mysql+pymysql://...); no connection is made yet."""
    # dlt runs up to 20 jobs at once: the pool keeps a few connections and opens more as needed
    engine = sa.create_engine(url, pool_size=4, max_overflow=-1, pool_pre_ping=True)
    sa.event.listen(engine, "do_connect", _connect)
    return engine
