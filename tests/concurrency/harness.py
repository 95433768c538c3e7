"""Release real threads together against PostgreSQL: each thread opens its own
connection before the start line and closes it at the end."""

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection, connections


def race(n: int, work: Callable[[int], Any], *, timeout: float = 180) -> list[tuple[str, Any]]:
    """Run work(0..n-1) in n threads released together; return ("ok", result) or
    ("error", exception) per thread, in thread order."""
    barrier = threading.Barrier(n)
    results: list[tuple[str, Any]] = [("missing", None)] * n

    def run(index: int) -> None:
        try:
            connection.ensure_connection()  # connect before the start line
            barrier.wait(timeout=60)
            results[index] = ("ok", work(index))
        except Exception as exc:
            results[index] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return results
