"""Logs with a request id (issue 16): JSON lines in production (LOG_FORMAT=json), text otherwise.

Every record made while a request is answered carries that request's id (`request_id`), which the response
also carries (`X-Request-ID`), so a user's report, the proxy's log and ours meet on one value. The id is taken
from the proxy's `X-Request-ID` when it looks like one (letters, digits, `-`, at most 64), else made here.
Log lines never carry personal data by design of the callers (domains of addresses, ids, no names).
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import uuid
from datetime import UTC, datetime

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
_VALID_ID = re.compile(r"^[A-Za-z0-9\-]{8,64}$")


def new_request_id(offered: str | None) -> str:
    return offered if offered and _VALID_ID.match(offered) else uuid.uuid4().hex


_factory = logging.getLogRecordFactory()


def _record(*args, **kwargs) -> logging.LogRecord:
    record = _factory(*args, **kwargs)
    record.request_id = request_id.get()
    return record


logging.setLogRecordFactory(_record)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", "")
        if rid:
            out["request_id"] = rid
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(levelname)s - %(asctime)s - %(name)s - %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        rid = getattr(record, "request_id", "")
        return f"{line} [{rid}]" if rid else line


def formatter_config() -> dict:
    from app.settings import settings

    cls = JsonFormatter if settings.log_format == "json" else TextFormatter
    return {"()": f"{cls.__module__}.{cls.__qualname__}"}


def configure_logging() -> None:
    """For processes without Litestar's logging config (the worker)."""
    from app.settings import settings

    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if settings.log_format == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
