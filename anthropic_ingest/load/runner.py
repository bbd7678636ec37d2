"""Run a load: one Admin API client, one dlt pipeline, every requested table, one summary.

Each run works in a fresh temporary dlt directory, so the resume points always come from the
destination itself (dlt restores them from completed loads only): a run on another machine
resumes where the last one stopped, and a crashed run never leaves them ahead of the data.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import dlt
from dlt.common.exceptions import DltException
from dlt.pipeline.exceptions import PipelineStepFailed

from anthropic_ingest import errors, secrets
from anthropic_ingest.client import AdminClient
from anthropic_ingest.load.destinations import DestinationConfig
from anthropic_ingest.load.plan import LoadPlan, LoadReport
from anthropic_ingest.load.progress import LoadPhase, report_waits
from anthropic_ingest.load.resources import FirstDay, GroupLoader, group_targets
from anthropic_ingest.load.run_lock import run_lock
from anthropic_ingest.load.windows import check_history, history_limit, history_start

ORGANIZATION_PATH = "/v1/organizations/me"


def pipeline_name(dataset: str) -> str:
    """The dlt pipeline name: one per dataset, so `ingest` and `sync` share resume points."""
    return "anthropic_ingest_" + re.sub(r"[^a-zA-Z0-9_]", "_", dataset)


def run_load(plan: LoadPlan) -> LoadReport:
    """Fetch every target of `plan` and load it; raise an IngestError on any failure (an
    IncompleteLoadError, carrying the report, when some tables loaded and others failed)."""
    started = time.monotonic()
    if plan.strict_tables:
        _check_intervals(plan)
    for warning in plan.source.warnings:
        plan.progress.note(f"warning: {warning}")
    with (
        AdminClient(plan.source.client, on_wait=report_waits(plan.progress)) as client,
        tempfile.TemporaryDirectory(prefix="anthropic-ingest-") as workdir,
    ):
        first_day = FirstDay(client, plan)
        loaders = [
            GroupLoader(group, plan, client, first_day) for group in group_targets(plan.targets)
        ]
        for loader in loaders:
            loader.skip_if_unreadable()
        phase = LoadPhase(plan.progress, plan.destination.display)
        pipeline = dlt.pipeline(
            pipeline_name=pipeline_name(plan.dataset),
            destination=plan.destination.destination,
            dataset_name=plan.dataset,
            pipelines_dir=workdir,
            progress=phase,
        )
        phase.pipeline = pipeline
        waiting = f"waiting for another run loading into {plan.destination.display} to finish"
        with run_lock(
            plan.destination, plan.dataset, plan.lock_timeout, lambda: plan.progress.note(waiting)
        ):
            _prefetch([loader for loader in loaders if not loader.windowed], plan, client)
            with _one_connection(plan.destination, phase):
                _load_rounds(pipeline, loaders, plan, phase)
                views = _create_views(pipeline, plan)
        stats = client.stats
    tables = [report for loader in loaders for report in loader.reports.values()]
    for loader in loaders:
        if loader.failure is not None:
            for item in loader.reports.values():
                item.failed = str(loader.failure)
    warnings = [
        f"the Admin API did not send {name} in {count} {item.source_table} record(s); "
        "loaded as null (the API may have changed: check for a newer anthropic-ingest)"
        for item in tables
        for name, count in sorted(item.missing_fields.items())
    ]
    for warning in warnings:
        plan.progress.note(f"warning: {warning}")
    report = LoadReport(
        destination=plan.destination.display,
        dataset=plan.dataset,
        tables=tables,
        warnings=warnings,
        requests=stats.requests,
        retries=stats.retries,
        rate_limited=stats.rate_limited,
        seconds=time.monotonic() - started,
        views=views,
    )
    failures = [loader.failure for loader in loaders if loader.failure is not None]
    if failures:
        raise errors.IncompleteLoadError(report, failures)
    return report


def _check_intervals(plan: LoadPlan) -> None:
    """`ingest`: refuse, before any request, an interval reaching before the first day a
    table has data for (a sync clips it, or skips the table, instead)."""
    now = plan.now or datetime.now(UTC)
    for target in plan.targets:
        source = target.spec.source
        if source.data_from is None or source.history_days is None:
            continue
        earliest = history_start(source.data_from, source.history_days, now)
        limit = history_limit(source.data_from, source.history_days, earliest)
        check_history(plan.interval, target.spec.name, earliest, limit)


def _prefetch(loaders: list[GroupLoader], plan: LoadPlan, client: AdminClient) -> None:
    """Fetch the current-state tables whole, together, before the destination is touched.
    With a single table a failure is raised as it is; with several, the failed ones are left
    out, unless the key itself was rejected. A run of time-series tables only asks for the
    organization first, so a rejected key fails before a destination file is created."""
    with ThreadPoolExecutor(max_workers=max(1, len(loaders))) as pool:
        list(pool.map(GroupLoader.prefetch, loaders))
    failures = [loader.failure for loader in loaders if loader.failure is not None]
    rejected = [f for f in failures if isinstance(f, errors.AuthenticationError)]
    if rejected or (len(plan.targets) == 1 and failures):
        raise (rejected or failures)[0]
    # An Analytics key (Claude Enterprise) cannot read the organization: its tables say
    # themselves whether the key is good (a 404 makes one not available). A DuckDB file that
    # exists already (a daily run) needs no such check: nothing would be created.
    if not loaders and plan.source.admin_key and not _existing_duckdb_file(plan):
        client.get(ORGANIZATION_PATH)


def _existing_duckdb_file(plan: LoadPlan) -> bool:
    destination = plan.destination
    return destination.kind == "duckdb" and destination.details["path"].is_file()


@contextmanager
def _one_connection(destination: DestinationConfig, phase: LoadPhase) -> Iterator[None]:
    """For the block, dlt's clients share one connection to a DuckDB file instead of opening
    it once each. When a round's fetch (dlt's extract step) goes on for longer than a daily
    run's, it is closed, so the file is free for other readers, and DuckDB's memory is given
    back, while pages arrive. When the block fails, a file it created that holds no data yet
    is removed once closed: a failed first run leaves no empty file behind."""
    if destination.connection is None:
        yield
        return
    from anthropic_ingest.load.duckdb_names import removed_if_left_empty

    with (
        removed_if_left_empty(destination.details["path"]),
        destination.connection.hold() as shared,
    ):
        phase.on_extract = shared.close_idle_later
        try:
            yield
        finally:
            phase.on_extract = None


def _load_rounds(
    pipeline: dlt.Pipeline, loaders: list[GroupLoader], plan: LoadPlan, phase: LoadPhase
) -> None:
    """Load every table that fetched cleanly; then, while a window table's backfill stopped
    to commit, another round of those tables. `phase` (the pipeline's progress collector)
    tells the progress display when each round is written and committed."""
    options: dict[str, Any] = {"loader_file_format": plan.destination.loader_file_format}
    if plan.full_refresh:
        options["refresh"] = "drop_resources"
    # An optional table that is not available is left as it was, like one that failed.
    pending = [loader for loader in loaders if loader.failure is None and not loader.unavailable]
    while pending:
        phase.begin_round([report for loader in pending for report in loader.reports.values()])
        try:
            pipeline.run([loader.resource() for loader in pending], **options)
        except (PipelineStepFailed, DltException) as exc:
            raise translate_failure(exc, plan) from None
        finally:
            phase.guard.release()
        options.pop("refresh", None)  # a full refresh drops the tables once, before round one
        pending = [loader for loader in pending if loader.more]
        phase.end_round(more=bool(pending))
        if phase.guard.requested:  # Ctrl-C during the load step, which was let finish
            raise errors.Interrupted(
                "interrupted; the load under way was finished first, so every table is "
                "either loaded or as it was"
                + ("; run the same command again to go on" if pending else "")
            )
    if len(plan.targets) == 1 and loaders[0].failure is not None:
        raise loaders[0].failure


def _create_views(pipeline: dlt.Pipeline, plan: LoadPlan) -> list[str]:
    """(Re)create the report's SQL views over the tables now in the dataset."""
    from anthropic_ingest.report.views import create_views

    try:
        return create_views(pipeline)
    except DltException as exc:
        detail = secrets.redact(_first_line(exc))
        raise errors.DestinationError(
            f"the data was loaded into {plan.destination.display}, but creating the report "
            f"views failed: {detail}"
        ) from None


def translate_failure(exc: BaseException, plan: LoadPlan) -> errors.IngestError:
    """Find the user-facing cause of a dlt failure: our own error, or the destination's."""
    interrupted = _interruption(exc, plan)
    if interrupted is not None:
        return interrupted
    seen: set[int] = set()
    cause: BaseException | None = exc
    deepest: BaseException = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, errors.IngestError):
            return cause
        deepest = cause
        cause = cause.__cause__ or cause.__context__
    step = getattr(exc, "step", None)
    detail = secrets.redact(_first_line(deepest))
    if step == "load" and plan.destination.kind == "duckdb" and "Out of Memory" in detail:
        return errors.DestinationError(
            f"{plan.destination.display} ran out of memory while loading ({detail}); raise "
            "memory_budget_mb in the source URI, which sets DuckDB's memory limit (0: no "
            "limit); tables are unchanged unless their load had completed"
        )
    if step == "load":
        return errors.DestinationError(
            f"{plan.destination.display} refused the data: {detail}. If a table of that name "
            "already existed with other columns, choose another --dest-table (or --dataset) "
            "or drop it; tables are unchanged unless their load had completed"
        )
    where = f" during the {step} step" if step else ""
    return errors.DestinationError(
        f"loading into {plan.destination.display} failed{where}: {detail}; nothing was changed"
    )


def _interruption(exc: BaseException, plan: LoadPlan) -> errors.Interrupted | None:
    """When Ctrl-C is what stopped dlt (it wraps the KeyboardInterrupt), an error saying what
    had been written; None otherwise. Never blame the destination for a user's Ctrl-C."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and not isinstance(cause, KeyboardInterrupt):
        if id(cause) in seen:
            return None
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    if cause is None:
        return None
    if getattr(exc, "step", None) == "load":
        return errors.Interrupted(
            f"interrupted twice while loading into {plan.destination.display}: tables whose "
            "load had completed keep their new rows, the others hold none of this run's rows "
            "(one this run created may be empty); run the same command again to finish"
        )
    pipeline = getattr(exc, "pipeline", None)
    if pipeline is not None and pipeline.list_completed_load_packages():
        # This run's pipeline directory is fresh, so a completed package is an earlier round.
        return errors.Interrupted(
            "interrupted; the rounds this run had already loaded are kept, nothing else was "
            "changed; run the same command again to go on from there"
        )
    return errors.Interrupted("interrupted; nothing was changed")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"
