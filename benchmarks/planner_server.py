"""Measure what one answer costs the planner's server, with 1 and with many pages at once.

    python benchmarks/planner_server.py [--answers 40] [--clients 1 20]

Starts a planner on a free port (its worker process included) and posts the example plan
to /api/assess as a page does after each answer, from each number of concurrent clients
in turn, each client posting one answer after another. Prints the median (p50) and the
99th percentile (p99) of the time from sending an answer to reading its verdicts, the
answers per second, and the connections reset or refused (which must be 0: the server's
listen backlog queues them). The worker checks one plan at a time, so with 20 clients an
answer waits behind the others: p99 grows with the number of clients.

Keep the run small on a shared machine: it loads one core with the worker.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from engine.inputs.read import read_yaml  # noqa: E402
from engine.web import make_server  # noqa: E402
from engine.web.server import serve_in_thread  # noqa: E402

EXAMPLE = REPO / "examples" / "riverside.yaml"


def answer(port: int, body: bytes) -> float:
    """Seconds for one answer's verdicts; raises on a reset or a non-200 answer."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("POST", "/api/assess", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"status {response.status}")
    finally:
        connection.close()
    return time.perf_counter() - started


def answers_typed(plan: dict[str, Any], count: int) -> list[bytes]:
    """The plan as the page sends it after each of ``count`` answers: each a new list size,
    as if typed, so that no two requests are the same plan."""
    typed = []
    for number in range(count):
        plan["practice"]["registered_patients"] = 9000 + number
        typed.append(json.dumps(plan).encode("utf-8"))
    return typed


def run_clients(port: int, clients: int, answers: int, plan: dict[str, Any]) -> dict[str, Any]:
    """Each of ``clients`` threads posts ``answers`` answers one after another."""
    times: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def client() -> None:
        for body in answers_typed(dict(plan, practice=dict(plan["practice"])), answers):
            try:
                took = answer(port, body)
            except Exception as error:  # noqa: BLE001 - counted, not raised: it is the measurement
                with lock:
                    failures.append(type(error).__name__)
                continue
            with lock:
                times.append(took)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    ordered = sorted(times)
    return {
        "clients": clients,
        "answers": len(times),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 1),
        "answers_per_second": round(len(times) / elapsed, 1),
        "failures": failures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=40, help="answers each client posts")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 20])
    options = parser.parse_args()
    plan = read_yaml(EXAMPLE).data
    server = make_server("127.0.0.1", 0)
    serve_in_thread(server)
    try:
        answer(server.server_address[1], json.dumps(plan).encode())  # the worker's first plan warms it
        for clients in options.clients:
            print(json.dumps(run_clients(server.server_address[1], clients, options.answers, plan)))
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    main()
