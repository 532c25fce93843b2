"""Apply a batch of queued records in one transaction: read the rows it touches, fold, write the changes.

Rows are plain dicts while the batch is folded, then written with a few executemany statements (new rows
inserted, changed rows updated): a node that starts and ends within a batch is one insert.
"""

from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy import Connection, Table, bindparam, delete, insert, select, update

from app.runstore.fold import FINISHED_NODE, Fold
from app.runstore.models import EventRow, NodeRow, RunRow
from app.runstore.records import Emitted, Record, Started

RUNS: Table = RunRow.__table__  # type: ignore[assignment]
NODES: Table = NodeRow.__table__  # type: ignore[assignment]
EVENTS: Table = EventRow.__table__  # type: ignore[assignment]


class BatchWriter:
    """Writes one batch on one connection (the caller commits)."""

    def __init__(self, connection: Connection) -> None:
        self._db = connection
        self._fold = Fold()
        self._loaded: dict[Any, dict[str, Any]] = {}  # rows as read: a changed one is updated

    @property
    def skipped(self) -> int:
        return self._fold.skipped

    def apply(self, records: Iterable[Record]) -> None:
        records = list(records)
        self._load(records)
        for record in records:
            self._fold.add(record)
        self._write()

    def _load(self, records: list[Record]) -> None:
        """Fetch the rows the batch touches; a run started again under a known id starts afresh."""
        ids = {r.payload.get("runId") if isinstance(r, Emitted) else r.run_id for r in records} - {None}
        if not ids:
            return
        restarted = {r.run_id for r in records if isinstance(r, Started)}
        for row in self._db.execute(select(RUNS).where(RUNS.c.id.in_(ids))).mappings():
            if row["id"] in restarted:
                for table in (EVENTS, NODES, RUNS):
                    column = table.c.id if table is RUNS else table.c.run_id
                    self._db.execute(delete(table).where(column == row["id"]))
            else:
                self._fold.runs[row["id"]] = dict(row)
                self._loaded[("runs", row["id"])] = dict(row)
        touched = {(r.payload.get("runId"), r.payload.get("instanceName")) for r in records
                   if isinstance(r, Emitted) and isinstance(r.payload.get("instanceName"), str)}
        touched = {key for key in touched if key[0] not in restarted}
        if not touched:
            return
        names = {name for _, name in touched}
        query = select(NODES).where(NODES.c.run_id.in_({run_id for run_id, _ in touched}), NODES.c.node.in_(names))
        for row in self._db.execute(query).mappings():  # only the nodes this batch touches, not the whole run
            key = (row["run_id"], row["node"])
            if key in touched:
                self._fold.nodes[key] = dict(row)
                self._loaded[("run_nodes", key)] = dict(row)

    def _write(self) -> None:
        fold = self._fold
        for table, rows, key in ((RUNS, fold.runs, ("id",)), (NODES, fold.nodes, ("run_id", "node"))):
            fresh = [row for k, row in rows.items() if (table.name, k) in fold.new]
            changed = [{f"p_{name}": value for name, value in row.items()} for k, row in rows.items()
                       if (table.name, k) not in fold.new and self._loaded.get((table.name, k)) != row]
            if fresh:
                self._db.execute(insert(table), fresh)
            if changed:
                where = [table.c[name] == bindparam(f"p_{name}") for name in key]
                values = {c.name: bindparam(f"p_{c.name}") for c in table.c if c.name not in key}
                self._db.execute(update(table).where(*where).values(values), changed)
        if fold.events:
            self._db.execute(insert(EVENTS), list(fold.events.values()))
        for run_id, (left, at) in fold.ended.items():  # its nodes still going when it ended, batch or not
            self._db.execute(update(NODES).where(NODES.c.run_id == run_id, NODES.c.status.not_in(FINISHED_NODE))
                             .values(status=left, ended_at=at))
