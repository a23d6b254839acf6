"""Limit BLAS threads around the sparse LU (SuperLU calls BLAS for its supernodes).

On a loaded 2-core machine OpenBLAS's spinning worker threads slowed a 924-unknown solve from 0.1 s to 13 s;
one thread is the safe default. Uses ``threadpoolctl`` when it is installed, otherwise does nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["blas_threads"]


@contextmanager
def blas_threads(n: int | None = 1) -> Iterator[None]:
    """Run the body with at most n BLAS threads (None: leave the library's setting)."""
    if n is None:
        yield
        return
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # optional dependency
        yield
        return
    with threadpool_limits(limits=n, user_api="blas"):
        yield
