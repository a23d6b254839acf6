"""Wall-time limits on one solve that really hold.

Two ways, chosen by the engine (``Engine.interruptible``):

- in the process (:func:`time_limit`): SIGALRM raises :class:`SolveTimeout` at the next Python bytecode.
  Enough for engines whose compiled calls are short (Newton steps, small LU solves, ODE steps).
- in a child process (:func:`run_with_time_limit`): the solve runs in a forked child, which is killed
  when the limit passes. Needed where one compiled call can run for minutes (a sparse LU of the exact
  solver: a 30 s limit became 46.5 s inside SuperLU with SIGALRM). A child killed by the system (out of
  memory) is reported as such instead of taking the job down.
"""

from __future__ import annotations

import multiprocessing
import signal
import traceback
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

__all__ = ["SolveTimeout", "SolveDied", "time_limit", "run_with_time_limit"]


class SolveTimeout(Exception):
    """The solve ran out of its wall time."""


class SolveDied(Exception):
    """The child process of a solve ended without a result (killed, e.g. by the out-of-memory killer)."""


@contextmanager
def time_limit(seconds: float | None):
    """Raise SolveTimeout after ``seconds`` of wall time (main thread only; no limit when None)."""
    if not seconds:
        yield
        return

    def handler(signum, frame):
        raise SolveTimeout

    previous = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, float(seconds))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _child(function: Callable[[], Any], conn) -> None:
    try:
        conn.send(("ok", function()))
    except BaseException as exc:  # noqa: BLE001 (everything goes back to the parent)
        try:
            conn.send(("raise", exc, traceback.format_exc()))
        except Exception:  # noqa: BLE001 (an exception that does not pickle)
            conn.send(("raise", RuntimeError(f"{type(exc).__name__}: {exc}"), traceback.format_exc()))
    finally:
        conn.close()


def run_with_time_limit(function: Callable[[], Any], seconds: float) -> Any:
    """``function()`` in a forked child; SolveTimeout (child killed) after ``seconds``; its exceptions
    are raised here; SolveDied when the child ends without a result."""
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(function, send), daemon=True)
    process.start()
    send.close()
    try:
        if not receive.poll(seconds):
            process.kill()
            raise SolveTimeout
        try:
            message = receive.recv()
        except EOFError:
            process.join()
            raise SolveDied(f"the solve process ended without a result (exit code {process.exitcode}; "
                            "a negative code is the signal that killed it, -9 often the out-of-memory killer)") from None
    finally:
        receive.close()
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join()
    if message[0] == "ok":
        return message[1]
    raise message[1]
