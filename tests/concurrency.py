"""Running work in threads released at the same moment, for the races tested on PostgreSQL."""

import threading

import pytest
from django.db import connection

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need PostgreSQL's row locks")


def run_together(count, work):
    """Run `work(index)` in `count` threads released at the same moment; each closes its connection.
    Returns (results by index, the exceptions raised)."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def target(index):
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:  # noqa: BLE001 - reported to the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors
