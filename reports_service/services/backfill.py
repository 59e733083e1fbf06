"""Bulk import of report files (``reports-service ingest``): parse in parallel, store in batches.

Files are read, parsed and prepared (everything about a report that depends on its text alone,
:mod:`reports_service.services.prepared`) in worker processes, one per core; the main process
stores what they give back in the order of the paths, :data:`BATCH_SIZE` reports per transaction,
doing only what depends on the reports before each one (:mod:`.batch_store`), while the workers
prepare the next batch. Content the
project already has (the same SHA-256) is a duplicate and is not stored again, so running an
import twice stores nothing the second time: the database's unique ``(project, sha256)`` decides,
as it does for posts. A file that cannot be read, decoded, parsed or stored is listed as failed,
with its reason, and the others go on. What was committed stays committed if the run is
interrupted; running it again picks up the rest.
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
import signal
from collections import deque
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Literal, Protocol

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.engine import in_writer, run_sync
from db.models import Project, Report
from db.tokens import get_or_create_project
from db.vocabulary import project_words
from parsers.project_words import Words
from reports_service.services.batch_store import BatchStore
from reports_service.services.ingest import IngestError, Submission, ingest
from reports_service.services.prepared import PreparedReport, prepare, read_prepared
from reports_service.services.report_files import ReportFile, Unreadable, read_report_file

#: reports stored per transaction
BATCH_SIZE = 50
#: files handed to a parser process at a time
CHUNK = 8
#: chunks in flight per parser process (read ahead while the main process stores)
READ_AHEAD = 3


class Reader(Protocol):
    """Reads and parses one file (in a parser process: a module-level function)."""

    def __call__(
        self, path: str, max_bytes: int, /, words: Words | None = None
    ) -> ReportFile | Unreadable: ...


Status = Literal["imported", "duplicate", "failed"]


@dataclass(frozen=True, slots=True)
class FileOutcome:
    path: str
    status: Status
    report_id: int | None = None  #: the stored report (new, or the one it duplicates)
    reason: str | None = None  #: why it failed


@dataclass(slots=True)
class BackfillSummary:
    outcomes: list[FileOutcome] = field(default_factory=list)

    def of(self, status: Status) -> list[FileOutcome]:
        return [outcome for outcome in self.outcomes if outcome.status == status]


Result = PreparedReport | Unreadable
#: what a parser process does with one file: ``(path, max_bytes) -> Result``
Task = Callable[[str, int], Result]


def _ignore_interrupts() -> None:
    """Parser processes leave Ctrl+C to the main process, which stops them (no tracebacks)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


Results = list[Result]


def _finished(future: Future[Results]) -> bool:
    return future.done() and not future.cancelled() and future.exception() is None


def _ready(results: Results) -> Future[Results]:
    future: Future[Results] = Future()
    future.set_result(results)
    return future


def _do_each(task: Task, paths: list[str], max_bytes: int) -> Results:
    """``task`` for each of ``paths``, in a parser process: one hand-over per :data:`CHUNK`
    files, not per file (each costs both processes time)."""
    return [task(path, max_bytes) for path in paths]


class _Parsers:
    """Parser processes reading files ahead, in order, surviving the death of a process."""

    def __init__(self, task: Task, max_bytes: int, jobs: int) -> None:
        self.task = task
        self.max_bytes = max_bytes
        self.jobs = jobs
        self.context = multiprocessing.get_context("spawn")  # no fork of a process with threads
        self.pool = self._new_pool(jobs)
        self.pending: deque[tuple[list[str], Future[Results]]] = deque()

    def _new_pool(self, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=workers, mp_context=self.context, initializer=_ignore_interrupts
        )

    async def submit(self, paths: list[str]) -> None:
        try:
            future = self.pool.submit(_do_each, self.task, paths, self.max_bytes)
        except BrokenProcessPool:
            await self._recover()
            future = self.pool.submit(_do_each, self.task, paths, self.max_bytes)
        self.pending.append((paths, future))

    async def next_results(self) -> Results:
        paths, future = self.pending.popleft()
        try:
            return await asyncio.wrap_future(future)
        except BrokenProcessPool:
            self.pending.appendleft((paths, future))
            await self._recover()
            return await self.next_results()

    async def _recover(self) -> None:
        """A process died: each file then in flight is read again in a process of its own.

        Only the file that kills its process fails; the others are read as usual.
        """
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.pool = self._new_pool(self.jobs)
        alone: ProcessPoolExecutor | None = None
        suspects = list(self.pending)
        self.pending.clear()
        for paths, future in suspects:
            if _finished(future):
                self.pending.append((paths, future))
                continue
            results: Results = []
            for path in paths:
                alone = alone or self._new_pool(1)
                try:
                    (result,) = await asyncio.wrap_future(
                        alone.submit(_do_each, self.task, [path], self.max_bytes)
                    )
                except BrokenProcessPool:
                    result = Unreadable(path, "the parser process died reading this file")
                    alone.shutdown(wait=True)
                    alone = None
                results.append(result)
            self.pending.append((paths, _ready(results)))
        if alone is not None:
            alone.shutdown(wait=True)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


async def read_in_order(
    paths: Sequence[str], max_bytes: int, jobs: int, task: Task
) -> AsyncIterator[Result]:
    """``task`` done for each file, in the order of ``paths``, by ``jobs`` processes."""
    if jobs <= 1 or len(paths) <= 1:
        for path in paths:
            yield task(path, max_bytes)
        return
    parsers = _Parsers(task, max_bytes, jobs)
    # small chunks while there are few files: each process gets some
    size = max(1, min(CHUNK, len(paths) // (jobs * READ_AHEAD)))
    chunks = (list(paths[at : at + size]) for at in range(0, len(paths), size))
    try:
        for chunk in chunks:
            await parsers.submit(chunk)
            if len(parsers.pending) >= jobs * READ_AHEAD:
                break
        while parsers.pending:
            results = await parsers.next_results()
            next_chunk = next(chunks, None)
            if next_chunk is not None:
                await parsers.submit(next_chunk)
            for result in results:
                yield result
    finally:
        parsers.close()


async def _store_together(
    sessions: async_sessionmaker[AsyncSession],
    project_id: int,
    batch: list[PreparedReport],
    remediation: str | None,
    writer: sessionmaker[Session] | None = None,
) -> list[FileOutcome]:
    """The batch in one transaction (raises when any report cannot be stored): in a worker
    thread through ``writer`` when given (see :func:`reports_service.services.ingest.ingest`)."""
    if writer is not None:
        return await in_writer(writer, _store_in, project_id, batch, remediation)
    async with sessions() as session:
        return await run_sync(session, _store_in, project_id, batch, remediation)


def _store_in(
    session: Session, project_id: int, batch: list[PreparedReport], remediation: str | None
) -> list[FileOutcome]:
    statement = select(Report.sha256, Report.id).where(
        Report.project_id == project_id,
        col(Report.sha256).in_({item.sha256 for item in batch}),
    )
    known: dict[str, int | None] = dict(list(session.exec(statement)))
    outcomes = []
    store: BatchStore | None = None
    for item in batch:
        sha256 = item.sha256
        if sha256 in known:
            outcomes.append(FileOutcome(item.path, "duplicate", known[sha256]))
            continue
        store = store or BatchStore(session, project_id, remediation)
        known[sha256] = report_id = store.add(item)
        outcomes.append(FileOutcome(item.path, "imported", report_id))
    if store is not None:
        store.finish()
    session.commit()
    return outcomes


async def _store_alone(
    sessions: async_sessionmaker[AsyncSession],
    project: Project,
    item: PreparedReport,
    remediation: str | None,
    writer: sessionmaker[Session] | None = None,
) -> FileOutcome:
    """One report in its own transaction, the way a post is stored (racing writers included)."""
    submission = Submission(raw=item.raw, text=item.text, remediation=remediation)
    try:
        async with sessions() as session:
            outcome = await ingest(session, project, submission, writer)
    except (IngestError, SQLAlchemyError) as exc:
        reason = exc.detail if isinstance(exc, IngestError) else _first_line(exc)
        return FileOutcome(item.path, "failed", reason=f"cannot store it: {reason}")
    status: Status = "imported" if outcome.created else "duplicate"
    return FileOutcome(item.path, status, outcome.report.id)


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0][:300]}" if lines else type(exc).__name__


async def store_batch(
    sessions: async_sessionmaker[AsyncSession],
    project: Project,
    batch: Sequence[PreparedReport | ReportFile],
    remediation: str | None = None,
    writer: sessionmaker[Session] | None = None,
) -> list[FileOutcome]:
    """Store ``batch`` in one transaction; if that fails, each report on its own.

    The whole batch fails together when another writer stored one of its reports meanwhile, or
    when one report holds a value the database refuses; report by report, only that one fails.
    """
    if project.id is None:
        raise ValueError("the project is not stored")
    ready = [item if isinstance(item, PreparedReport) else prepare(item) for item in batch]
    try:
        return await _store_together(sessions, project.id, ready, remediation, writer)
    except SQLAlchemyError:
        return [await _store_alone(sessions, project, item, remediation, writer) for item in ready]


async def backfill(
    sessions: async_sessionmaker[AsyncSession],
    project_name: str,
    paths: Sequence[str],
    *,
    remediation: str | None = None,
    max_bytes: int,
    jobs: int = 1,
    on_outcome: Callable[[FileOutcome], None] | None = None,
    reader: Reader = read_report_file,
    writer: sessionmaker[Session] | None = None,
) -> BackfillSummary:
    """Import the report files at ``paths`` into ``project_name`` (created if new).

    The files are parsed with the project's own words, sent once to each parser process (which
    compiles the extended vocabulary once and reuses it for every file). Given ``writer``,
    batches are stored in a worker thread through it.
    """
    summary = BackfillSummary()

    def record(outcomes: list[FileOutcome]) -> None:
        summary.outcomes.extend(outcomes)
        if on_outcome is not None:
            for outcome in outcomes:
                on_outcome(outcome)

    async with sessions() as session:
        project = await get_or_create_project(session, project_name)
        words = await project_words(session, project.id) if project.id is not None else {}
    task: Task = functools.partial(read_prepared, reader, words=words or None)
    batch: list[PreparedReport] = []
    storing: asyncio.Task[list[FileOutcome]] | None = None
    try:
        async for result in read_in_order(paths, max_bytes, jobs, task):
            if isinstance(result, Unreadable):
                record([FileOutcome(result.path, "failed", reason=result.reason)])
                continue
            batch.append(result)
            if len(batch) >= BATCH_SIZE:
                # the parser processes go on with the next batch while this one is stored
                if storing is not None:
                    record(await storing)
                storing = asyncio.create_task(
                    store_batch(sessions, project, batch, remediation, writer)
                )
                batch = []
        if storing is not None:
            record(await storing)
            storing = None
    finally:
        if storing is not None:  # interrupted: the batch being stored ends first
            await asyncio.wait([storing])
    if batch:
        record(await store_batch(sessions, project, batch, remediation, writer))
    return summary
