"""Notebook execution: find a kernel's reply within a second when the socket's wake-up is lost.

nbclient waits for each cell's reply with one poll of the kernel's shell socket, as long as
the cell timeout. A ZMQ socket wakes its poller once, on an edge; pyzmq's poll then sleeps
until that edge or the timeout, and looks once more at the end. If the edge is spent (most
likely by something reading the socket's state just as the reply lands; reproduced so in
tests/test_notebook_replies.py), the poll sleeps out the whole timeout before that last look
finds the reply. Builds here idled so for exactly the timeout, then carried on (60 s in
about one fresh-clone run in three; 180 s and 300 s with longer timeouts). Polling in
one-second slices, each ending with that last look, finds such a reply within a second; a
reply that never comes still times out after the same total wait.

Applied to the client side of every notebook this process executes (the build's, through
myst-nb and jupyter-cache; the stand-alone notebook test's), on every channel that is polled
this way (shell and IOPub); kernels are untouched.
"""

from __future__ import annotations

import functools
import time
from queue import Empty
from typing import TYPE_CHECKING, Any

from jupyter_client.channels import AsyncZMQSocketChannel

if TYPE_CHECKING:  # the stand-alone notebook test imports this without Sphinx's weight
    from sphinx.application import Sphinx

SLICE_SECONDS = 1.0
_MARK = "_cehcourse_sliced"


def poll_replies_in_slices() -> None:
    """Make every async channel's ``get_msg`` poll in slices (once per process)."""
    if getattr(AsyncZMQSocketChannel.get_msg, _MARK, False):
        return
    whole_poll = AsyncZMQSocketChannel.get_msg

    @functools.wraps(whole_poll)
    async def get_msg(self: AsyncZMQSocketChannel, timeout: float | None = None) -> dict[str, Any]:
        if timeout is not None and timeout < 0:
            timeout = None  # as the original: a negative timeout waits for ever
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = None if deadline is None else deadline - time.monotonic()
            wait = SLICE_SECONDS if left is None else max(0.0, min(SLICE_SECONDS, left))
            try:
                message: dict[str, Any] = await whole_poll(self, timeout=wait)
                return message
            except Empty:
                if left is not None and left <= SLICE_SECONDS:
                    raise

    setattr(get_msg, _MARK, True)
    AsyncZMQSocketChannel.get_msg = get_msg  # type: ignore[method-assign]


def setup(app: Sphinx) -> dict[str, Any]:
    poll_replies_in_slices()
    return {"parallel_read_safe": True, "parallel_write_safe": True}
