"""Log records carry the request id (the X-Request-ID header and the audit entries carry it too)."""
import logging

from huike.audit import context


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = context.request_id.get() or "-"
        return True
