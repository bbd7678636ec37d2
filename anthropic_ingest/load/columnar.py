"""Claude Code, usage report and cost report pages straight from JSON into Arrow columns.

A 90-day backfill of a large organization is hundreds of thousands of records; turning each
into dicts and back into columns costs more than everything else in a run. The columnar
reader parses a page with Arrow's JSON reader against the documented record shape and
derives every column with Arrow compute functions, which release the interpreter lock, so
two pages are read at once on two cores.

It takes only pages whose meaning is certain; anything else returns None, and the loader
reads that page record by record with `transforms.py`, which is the reference: the two give
identical tables (tested on the official examples, the emulator and generated pages). A page
goes the careful way when it has
- a field this version does not know, at any depth (it must land in `extra_fields` or
  `other_tool_actions`), or a value of another type than documented;
- a documented field missing or null where the record-by-record reader tells the two apart
  (a top-level field it warns about, a tool's count, a model's tokens or cost);
- a decimal with more digits than the column keeps (refused there, never rounded).

Nothing here is a fallback for errors of the run: a page the careful reader refuses fails the
run there, with its message.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pa_json

from anthropic_ingest.client.bodies import RawRecords
from anthropic_ingest.load.arrow import POOL
from anthropic_ingest.schema import ARROW_TYPES
from anthropic_ingest.tables import TableSpec
from anthropic_ingest.transforms import BUCKET_FIELDS, COST_FIELDS, KNOWN_TOOLS, USAGE_DIMENSIONS

_INT = ARROW_TYPES["bigint"]
_TEXT = ARROW_TYPES["text"]
_CENTS = ARROW_TYPES["cents"]
_DAY = ARROW_TYPES["date"]
_COUNTS = pa.struct([("accepted", _INT), ("rejected", _INT)])
_TOKENS = ("input", "output", "cache_read", "cache_creation")

# The documented shape of one Claude Code record (anthropic-admin-api.md §9).
_RECORD = pa.struct(
    [
        ("date", ARROW_TYPES["timestamp"]),
        ("actor", pa.struct([("type", _TEXT), ("email_address", _TEXT), ("api_key_name", _TEXT)])),
        ("organization_id", _TEXT),
        ("customer_type", _TEXT),
        ("subscription_type", _TEXT),
        ("terminal_type", _TEXT),
        ("is_remote", ARROW_TYPES["bool"]),
        (
            "core_metrics",
            pa.struct(
                [
                    ("num_sessions", _INT),
                    ("lines_of_code", pa.struct([("added", _INT), ("removed", _INT)])),
                    ("commits_by_claude_code", _INT),
                    ("pull_requests_by_claude_code", _INT),
                ]
            ),
        ),
        ("tool_actions", pa.struct([(tool, _COUNTS) for tool in KNOWN_TOOLS])),
        (
            "model_breakdown",
            pa.list_(
                pa.struct(
                    [
                        ("model", _TEXT),
                        ("tokens", pa.struct([(name, _INT) for name in _TOKENS])),
                        ("estimated_cost", pa.struct([("currency", _TEXT), ("amount", _CENTS)])),
                    ]
                )
            ),
        ),
    ]
)


def _options(schema: pa.Schema) -> tuple[pa_json.ParseOptions, pa_json.ParseOptions]:
    """Parse options for compact JSON, and the slower ones a page with line breaks needs."""
    return (
        pa_json.ParseOptions(explicit_schema=schema, unexpected_field_behavior="error"),
        pa_json.ParseOptions(
            explicit_schema=schema, unexpected_field_behavior="error", newlines_in_values=True
        ),
    )


_CLAUDE_CODE = _options(pa.schema([("data", pa.list_(_RECORD))]))

_IDENTITY = ("date", "actor_type", "actor_id", "terminal_type", "is_remote")

USAGE = "claude_code_usage"
BY_MODEL = "claude_code_usage_by_model"


@dataclass(frozen=True)
class ColumnarPage:
    """A page read column-wise: its record count, one table per requested spec, and per
    documented field the records that lacked it."""

    records: int
    tables: list[pa.Table]
    missing: dict[str, int] = field(default_factory=dict)


def claude_code_tables(page: RawRecords, specs: Sequence[TableSpec]) -> ColumnarPage | None:
    """One table per spec (its declared columns, in order) for a page of Claude Code records,
    or None when the page must be read record by record."""
    if any(spec.name not in (USAGE, BY_MODEL) for spec in specs):
        return None
    records = _parse(page, _CLAUDE_CODE)
    # Fields the record-by-record reader warns about when absent: a null there is ambiguous.
    warned = frozenset().union(*(spec.expected_fields for spec in specs))
    if records is None or not _certain(records, warned):
        return None
    columns = _identity(records)
    if columns is None:
        return None
    tables = []
    for spec in specs:
        if spec.name == USAGE:
            columns.update(_usage(records))
            tables.append(_table(spec, columns))
        else:
            tables.append(_table(spec, _by_model(records, columns)))
    return ColumnarPage(len(records), tables)


def _parse(
    page: RawRecords, shape: tuple[pa_json.ParseOptions, pa_json.ParseOptions]
) -> pa.StructArray | None:
    body = b"".join((b'{"data":', page.raw_bytes(), b"}"))
    options = pa_json.ReadOptions(block_size=len(body) + 1, use_threads=False)
    compact, lines = shape
    parse = lines if b"\n" in body or b"\r" in body else compact
    try:
        parsed = pa_json.read_json(
            io.BytesIO(body), read_options=options, parse_options=parse, memory_pool=POOL
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return None  # an unknown field, another type, too many digits: the careful way
    data = parsed.column("data")
    if parsed.num_rows != 1 or data.null_count:
        return None
    records = pc.list_flatten(data.chunk(0)) if data.num_chunks == 1 else None
    return records if isinstance(records, pa.StructArray) else None


def _field(array: pa.Array, *path: str) -> pa.Array:
    """A nested field; null wherever the field or any parent is null."""
    for name in path:
        array = pc.struct_field(array, name)
    return array


def _certain(records: pa.StructArray, warned: frozenset[str]) -> bool:
    """True when no null in the page could mean either "absent" or "null" differently."""
    if any(_field(records, name).null_count for name in warned):
        return False
    tools = _field(records, "tool_actions")
    for tool in KNOWN_TOOLS:
        counts = _field(tools, tool)
        for name in ("accepted", "rejected"):
            if _field(counts, name).null_count != counts.null_count:
                return False  # a tool with a count missing or null
    entries = pc.list_flatten(_field(records, "model_breakdown"))
    if entries.null_count or _field(entries, "model").null_count:
        return False
    amounts = _field(entries, "estimated_cost", "amount")
    return not amounts.null_count and not any(
        _field(entries, "tokens", name).null_count for name in _TOKENS
    )


def _identity(records: pa.StructArray) -> dict[str, pa.Array] | None:
    """The key columns, or None when a date is not a UTC day (the transforms refuse it)."""
    days = _days(_field(records, "date"))
    if days is None:
        return None
    actor = _field(records, "actor")
    return {
        "date": days,
        "actor_type": _field(actor, "type"),
        "actor_id": pc.coalesce(_field(actor, "email_address"), _field(actor, "api_key_name")),
        "terminal_type": _field(records, "terminal_type"),
        "is_remote": _field(records, "is_remote"),
    }


def _days(moments: pa.Array) -> pa.Array | None:
    """UTC midnights as their days (date32), or None when one is another time of day: the
    cast would cut it to its day without a word, where `transforms.day` refuses it."""
    days = moments.cast(_DAY)
    if not pc.all(pc.equal(days.cast(moments.type), moments), min_count=0).as_py():
        return None
    return days


def _usage(records: pa.StructArray) -> dict[str, pa.Array]:
    count = len(records)
    core = _field(records, "core_metrics")
    columns = {
        "organization_id": _field(records, "organization_id"),
        "customer_type": _field(records, "customer_type"),
        "subscription_type": _field(records, "subscription_type"),
        "num_sessions": _field(core, "num_sessions"),
        "lines_added": _field(core, "lines_of_code", "added"),
        "lines_removed": _field(core, "lines_of_code", "removed"),
        "commits_by_claude_code": _field(core, "commits_by_claude_code"),
        "pull_requests_by_claude_code": _field(core, "pull_requests_by_claude_code"),
        "other_tool_actions": pa.nulls(count, _TEXT),
        "extra_fields": pa.nulls(count, _TEXT),
    }
    tools = _field(records, "tool_actions")
    for tool in KNOWN_TOOLS:
        for name in ("accepted", "rejected"):
            columns[f"{tool}_{name}"] = pc.fill_null(_field(tools, tool, name), 0)
    models = _field(records, "model_breakdown")
    entries = pc.list_flatten(models)
    sums = pa.table(
        {
            "record": pc.list_parent_indices(models),
            **{name: _field(entries, "tokens", name) for name in _TOKENS},
            "cents": _field(entries, "estimated_cost", "amount"),
        }
    ).group_by("record", use_threads=False)
    totals = sums.aggregate([(name, "sum") for name in (*_TOKENS, "cents")])
    # Records with an empty breakdown have no group: their totals are zero.
    where = pc.index_in(pa.array(range(count), _INT), totals.column("record"))
    for name in _TOKENS:
        total = pc.take(totals.column(f"{name}_sum"), where)
        columns[f"total_{name}_tokens"] = pc.fill_null(total, 0)
    cents = pc.take(totals.column("cents_sum"), where).cast(_CENTS)
    columns["total_estimated_cost_cents"] = pc.fill_null(cents, pa.scalar(0, _CENTS))
    names = pa.ListArray.from_arrays(models.offsets, _field(entries, "model"))
    columns["models_used"] = pc.binary_join(names, ",")
    return columns


def _by_model(records: pa.StructArray, identity: dict[str, pa.Array]) -> dict[str, pa.Array]:
    models = _field(records, "model_breakdown")
    entries = pc.list_flatten(models)
    owner = pc.list_parent_indices(models)
    columns = {name: pc.take(identity[name], owner) for name in _IDENTITY}
    columns["model"] = _field(entries, "model")
    for name in _TOKENS:
        columns[f"{name}_tokens"] = _field(entries, "tokens", name)
    columns["estimated_cost_cents"] = _field(entries, "estimated_cost", "amount")
    columns["currency"] = _field(entries, "estimated_cost", "currency")
    return columns


def _table(spec: TableSpec, columns: dict[str, pa.Array]) -> pa.Table:
    """The spec's columns in declared order; a column this reader does not make is a bug."""
    arrays = [_array(columns[c.name], c.arrow_type) for c in spec.columns]
    return pa.Table.from_arrays(arrays, names=[c.name for c in spec.columns])


def _array(values: pa.Array | pa.ChunkedArray, type_: pa.DataType) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return values if values.type == type_ else values.cast(type_)


# --- usage_report: buckets of results ---------------------------------------------------

_RESULT = pa.struct(
    [
        ("uncached_input_tokens", _INT),
        (
            "cache_creation",
            pa.struct([("ephemeral_1h_input_tokens", _INT), ("ephemeral_5m_input_tokens", _INT)]),
        ),
        ("cache_read_input_tokens", _INT),
        ("output_tokens", _INT),
        ("server_tool_use", pa.struct([("web_search_requests", _INT)])),
        *((name, _TEXT) for name in USAGE_DIMENSIONS),
    ]
)
_BUCKET = pa.struct(
    [
        ("starting_at", ARROW_TYPES["timestamp"]),
        ("ending_at", ARROW_TYPES["timestamp"]),
        ("results", pa.list_(_RESULT)),
    ]
)
_BUCKETS = _options(pa.schema([("data", pa.list_(_BUCKET))]))


@dataclass
class _Buckets:
    """A report page read column-wise: its buckets' starts, and every result with its
    bucket's start and end."""

    starts: pa.Array
    rows: pa.StructArray
    bucket: pa.Array
    bucket_end: pa.Array
    missing: dict[str, int]

    def page(
        self, spec: TableSpec, columns: dict[str, pa.Array]
    ) -> tuple[list[datetime], ColumnarPage]:
        """The covered bucket starts, and the page of `spec`'s table made of `columns` (the
        bucket columns and a null `extra_fields` added)."""
        columns = {
            "bucket": self.bucket,
            "bucket_end": self.bucket_end,
            **columns,
            "extra_fields": pa.nulls(len(self.rows), _TEXT),
        }
        covered = [start.replace(tzinfo=UTC) for start in self.starts.to_pylist()]
        return covered, ColumnarPage(len(self.rows), [_table(spec, columns)], self.missing)


def _buckets(
    page: RawRecords, shape: tuple[pa_json.ParseOptions, pa_json.ParseOptions], spec: TableSpec
) -> _Buckets | None:
    """A page of report buckets read against `shape`, or None when it must be read record by
    record (a bucket without its start or end, a null result, a key given twice)."""
    buckets = _parse(page, shape)
    if buckets is None:
        return None
    starts, ends = _field(buckets, "starting_at"), _field(buckets, "ending_at")
    if starts.null_count or ends.null_count:
        return None
    results = _field(buckets, "results")
    rows = pc.list_flatten(results)
    if rows.null_count:
        return None
    missing = _absent(page, spec, len(rows))
    if missing is None:
        return None
    owner = pc.list_parent_indices(results)
    return _Buckets(starts, rows, pc.take(starts, owner), pc.take(ends, owner), missing)


def usage_tables(page: RawRecords, spec: TableSpec) -> tuple[list[datetime], ColumnarPage] | None:
    """The bucket starts of a usage report page and its `usage_report` rows, or None when the
    page must be read record by record."""
    read = _buckets(page, _BUCKETS, spec)
    if read is None:
        return None
    rows = read.rows
    cache, tools = _field(rows, "cache_creation"), _field(rows, "server_tool_use")
    return read.page(
        spec,
        {
            **{name: _field(rows, name) for name in USAGE_DIMENSIONS},
            "input_tokens": _field(rows, "uncached_input_tokens"),
            "output_tokens": _field(rows, "output_tokens"),
            "input_cached_tokens": _field(rows, "cache_read_input_tokens"),
            "cache_creation_ephemeral_5m_input_tokens": _field(cache, "ephemeral_5m_input_tokens"),
            "cache_creation_ephemeral_1h_input_tokens": _field(cache, "ephemeral_1h_input_tokens"),
            "server_tool_search_count": _field(tools, "web_search_requests"),
        },
    )


def _absent(page: RawRecords, spec: TableSpec, results: int) -> dict[str, int] | None:
    """Per documented result field, how many results lacked it (null and absent are both
    null in Arrow; the record-by-record reader warns only about absent ones).

    A JSON key is a quoted name followed by a colon, which no string value can be; a known
    name elsewhere than in a result would be an unknown field, which the parse refused."""
    names = sorted(spec.expected_fields - BUCKET_FIELDS)
    keys = re.compile(rb'"(' + b"|".join(re.escape(n.encode()) for n in names) + rb')"\s*:')
    present = Counter(found.group(1).decode() for found in keys.finditer(page.raw_bytes()))
    if any(count > results for count in present.values()):
        return None  # a key twice in one object
    return {name: results - present[name] for name in names if present[name] < results}


# --- cost_report: buckets of results, amounts as decimal strings -------------------------

# Every field the record-by-record reader knows in a cost result, all strings.
_COST_TEXT = tuple(sorted(COST_FIELDS - BUCKET_FIELDS))
_COST_BUCKETS = _options(
    pa.schema(
        [
            (
                "data",
                pa.list_(
                    pa.struct(
                        [
                            ("starting_at", ARROW_TYPES["timestamp"]),
                            ("ending_at", ARROW_TYPES["timestamp"]),
                            ("results", pa.list_(pa.struct([(n, _TEXT) for n in _COST_TEXT]))),
                        ]
                    )
                ),
            )
        ]
    )
)
# The decimal strings read column-wise: digits, at most one point with digits on both sides.
# Any other spelling Python's Decimal may accept ("1e3", "+1", " 1", "NaN") goes the careful
# way, so the two readers can never disagree on a number.
_PLAIN_DECIMAL = r"^-?[0-9]+(\.[0-9]+)?$"
_USD = ARROW_TYPES["usd"]
# Dollars reuse the cents' unscaled integers: the same width and precision, two more places.
assert isinstance(_CENTS, pa.Decimal128Type) and isinstance(_USD, pa.Decimal128Type)
assert _USD.scale == _CENTS.scale + 2 and _USD.precision == _CENTS.precision


def cost_tables(page: RawRecords, spec: TableSpec) -> tuple[list[datetime], ColumnarPage] | None:
    """The bucket starts of a cost report page and its `cost_report` rows, or None when the
    page must be read record by record.

    An amount is a decimal string of cents; its column keeps it exactly (a cast that would
    drop a digit fails, and the page goes the careful way, which refuses it). Dollars are
    the same digits with the point moved two places: the cents' unscaled integers read at
    a scale two higher."""
    read = _buckets(page, _COST_BUCKETS, spec)
    if read is None:
        return None
    rows = read.rows
    amounts = _field(rows, "amount")
    plain = pc.match_substring_regex(amounts, _PLAIN_DECIMAL)
    if pc.sum(pc.invert(plain)).as_py():  # nulls stay nulls; any other spelling declines
        return None
    try:
        cents = pc.cast(amounts, _CENTS, safe=True, memory_pool=POOL)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None  # more digits than the column keeps: the careful way refuses the page
    if isinstance(cents, pa.ChunkedArray):
        cents = cents.combine_chunks()
    usd = pa.Array.from_buffers(_USD, len(cents), cents.buffers(), cents.null_count, cents.offset)
    return read.page(
        spec,
        {
            **{name: _field(rows, name) for name in _COST_TEXT if name != "amount"},
            "amount_cents": cents,
            "amount_usd": usd,
        },
    )
