"""Structured logs: one JSON object per line on stderr, with the request id bound per request.

Our loggers (structlog) and the standard library's, uvicorn's among them (`uvicorn`,
`uvicorn.error`, `uvicorn.access`), render through the same processors, so a process
writes one stream of lines of one shape: `{"event": ..., "level": ..., "timestamp": ...,
...}` (the standard library's also say their `logger`).
"""

from __future__ import annotations

import logging
import logging.config
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

UVICORN_LOGGERS = ("uvicorn", "uvicorn.error")


def _renderer(fmt: str) -> Any:
    if fmt == "json":
        return structlog.processors.JSONRenderer()
    return structlog.dev.ConsoleRenderer(colors=False)


def _shared_processors() -> list[Any]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def configure_logging(level: str = "info", fmt: str = "json") -> None:
    structlog.configure(
        processors=[
            *_shared_processors(),
            structlog.processors.format_exc_info,
            _renderer(fmt),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping()[level.upper()]
        ),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=True,
    )
    logging.config.dictConfig(uvicorn_log_config(level, fmt))


def stdlib_formatter(fmt: str = "json") -> logging.Formatter:
    """Renders a standard library record as our structlog lines are rendered."""
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            *_shared_processors(),
            structlog.stdlib.add_logger_name,
            structlog.stdlib.ExtraAdder(),
            _drop_color_message,
        ],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            _renderer(fmt),
        ],
    )


def _drop_color_message(
    _logger: Any, _name: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    # uvicorn passes an ANSI-coloured copy of some messages as an `extra`.
    event.pop("color_message", None)
    return event


def uvicorn_log_config(level: str = "info", fmt: str = "json") -> dict[str, Any]:
    """uvicorn's `log_config`: its loggers through `stdlib_formatter` on stderr, applied
    in the supervisor and in every worker process."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"structlog": {"()": stdlib_formatter, "fmt": fmt}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "structlog",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            **{
                name: {"handlers": ["stderr"], "level": level.upper(), "propagate": False}
                for name in UVICORN_LOGGERS
            },
            # RequestIdMiddleware writes each request's line, with its operation and user:
            # uvicorn's own would say it twice (and each worker reapplies this config).
            "uvicorn.access": {"handlers": [], "propagate": False},
        },
    }
