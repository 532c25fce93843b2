"""Socket.IO packets as this server writes them: orjson, and a binary scan without recursion overhead."""

from __future__ import annotations

import json
from typing import Any

import orjson
from socketio.packet import Packet

_OPTIONS = orjson.OPT_NON_STR_KEYS


class _Json:
    """The json module interface python-socketio calls, backed by orjson (std json for what orjson refuses)."""

    @staticmethod
    def dumps(obj: Any, **kwargs: Any) -> str:
        try:
            return orjson.dumps(obj, option=_OPTIONS).decode()
        except TypeError:  # an int beyond 64 bits, a custom type: the standard module's behaviour
            return json.dumps(obj, **kwargs)

    @staticmethod
    def loads(text: str | bytes, **kwargs: Any) -> Any:
        return orjson.loads(text)


class FastPacket(Packet):
    """python-socketio's packet with the serializer above; same wire format."""

    json = _Json

    @classmethod
    def data_is_binary(cls, data: Any) -> bool:
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, (str, int, float, bool)) or item is None:
                continue
            if isinstance(item, (bytes, bytearray)):
                return True
            if isinstance(item, dict):
                stack.extend(item.values())
            elif isinstance(item, (list, tuple)):
                stack.extend(item)
        return False
