"""FlowLibrary: flows saved on the server, with versions (save, list, open, rename, delete); no secret is kept."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from app.runstore.cursors import after_cursor, encode_cursor
from app.runstore.models import SavedFlowRow, SavedFlowVersionRow
from app.runstore.records import aware
from app.runstore.redaction import strip_secrets


@dataclass(frozen=True, slots=True)
class SavedFlow:
    id: str
    name: str
    created_at: datetime
    updated_at: datetime
    latest_version: int
    version: int | None = None  # the version `flow` holds, when read with its flow
    flow: Any = None


@dataclass(frozen=True, slots=True)
class FlowPage:
    flows: list[SavedFlow]
    next_cursor: str | None


def _saved(row: SavedFlowRow, version: SavedFlowVersionRow | None = None) -> SavedFlow:
    return SavedFlow(id=row.id, name=row.name, created_at=aware(row.created_at),  # type: ignore[arg-type]
                     updated_at=aware(row.updated_at), latest_version=row.latest_version,  # type: ignore[arg-type]
                     version=version.version if version else None, flow=version.flow if version else None)


class FlowLibrary:
    """Every method is one transaction; reads return plain snapshots."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(self, name: str, flow: list[Any]) -> SavedFlow:
        now = datetime.now(timezone.utc)
        flow_id = secrets.token_hex(16)
        with Session(self.engine) as session, session.begin():
            row = SavedFlowRow(id=flow_id, name=name, created_at=now, updated_at=now, latest_version=1)
            version = SavedFlowVersionRow(flow_id=flow_id, version=1, flow=strip_secrets(flow), created_at=now)
            session.add_all([row, version])
            session.flush()
            return _saved(row, version)

    def save(self, flow_id: str, flow: list[Any], name: str | None = None) -> SavedFlow | None:
        """A new version (and maybe a new name); None when there is no such flow."""
        now = datetime.now(timezone.utc)
        with Session(self.engine) as session, session.begin():
            row = session.get(SavedFlowRow, flow_id, with_for_update=True)
            if row is None:
                return None
            row.latest_version += 1
            row.updated_at = now
            if name is not None:
                row.name = name
            version = SavedFlowVersionRow(flow_id=flow_id, version=row.latest_version, flow=strip_secrets(flow),
                                          created_at=now)
            session.add(version)
            session.flush()
            return _saved(row, version)

    def rename(self, flow_id: str, name: str) -> SavedFlow | None:
        with Session(self.engine) as session, session.begin():
            row = session.get(SavedFlowRow, flow_id)
            if row is None:
                return None
            row.name = name
            row.updated_at = datetime.now(timezone.utc)
            session.flush()
            return _saved(row)

    def get(self, flow_id: str, version: int | None = None) -> SavedFlow | None:
        """The flow with the given version (the latest by default); None when either is missing."""
        with Session(self.engine) as session:
            row = session.get(SavedFlowRow, flow_id)
            if row is None:
                return None
            found = session.get(SavedFlowVersionRow, (flow_id, version or row.latest_version))
            return _saved(row, found) if found is not None else None

    def versions(self, flow_id: str) -> list[tuple[int, datetime]]:
        with Session(self.engine) as session:
            rows = session.execute(select(SavedFlowVersionRow.version, SavedFlowVersionRow.created_at)
                                   .where(SavedFlowVersionRow.flow_id == flow_id)
                                   .order_by(SavedFlowVersionRow.version.desc()))
            return [(version, aware(created)) for version, created in rows]  # type: ignore[misc]

    def page(self, cursor: str | None = None, limit: int = 50) -> FlowPage:
        """Flows, most recently saved first."""
        limit = max(1, min(limit, 200))
        query = select(SavedFlowRow).order_by(SavedFlowRow.updated_at.desc(), SavedFlowRow.id.desc()).limit(limit + 1)
        if cursor:
            query = query.where(after_cursor(cursor, SavedFlowRow.updated_at, SavedFlowRow.id))
        with Session(self.engine) as session:
            flows = [_saved(row) for row in session.scalars(query)]
        more = len(flows) > limit
        flows = flows[:limit]
        return FlowPage(flows, encode_cursor(flows[-1].updated_at, flows[-1].id) if more else None)

    def delete(self, flow_id: str) -> bool:
        with Session(self.engine) as session, session.begin():
            session.execute(delete(SavedFlowVersionRow).where(SavedFlowVersionRow.flow_id == flow_id))
            return bool(session.execute(delete(SavedFlowRow).where(SavedFlowRow.id == flow_id)).rowcount)
