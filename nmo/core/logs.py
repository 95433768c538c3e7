"""The log a person reads (ADR 0013): libraries speak only from a warning up."""

import logging

# Loggers whose INFO lines are bookkeeping nobody reads: the task worker announces every
# task twice with its id, and sets its own loggers' levels, so the filter sits on the handler.
QUIET_BELOW_WARNING = ("django_tasks", "django_tasks_db", "weasyprint", "fontTools")


class QuietLibraries(logging.Filter):
    """Drops the records under WARNING of the loggers in QUIET_BELOW_WARNING."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            return True
        return not any(
            record.name == name or record.name.startswith(name + ".")
            for name in QUIET_BELOW_WARNING
        )
