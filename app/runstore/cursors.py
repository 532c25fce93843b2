"""Page cursors: an opaque token for "after this (time, id)" in a list ordered newest first."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_


def encode_cursor(stamp: datetime, key: str) -> str:
    return base64.urlsafe_b64encode(f"{stamp.isoformat()}|{key}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """The (time, id) a page continues after; ValueError for a cursor this store did not make."""
    try:
        stamp, key = base64.urlsafe_b64decode(cursor.encode()).decode().split("|", 1)
        return datetime.fromisoformat(stamp), key
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError("invalid cursor") from exc


def after_cursor(cursor: str, stamp_column: Any, key_column: Any) -> ColumnElement[bool]:
    """The condition "comes after the cursor" in an order of (stamp, key), both descending."""
    stamp, key = decode_cursor(cursor)
    return or_(stamp_column < stamp, and_(stamp_column == stamp, key_column < key))
