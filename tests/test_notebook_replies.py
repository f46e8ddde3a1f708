"""Executing a notebook: a kernel's reply whose socket wake-up was lost is found within a
second, not after the whole cell timeout (the build once idled 60 s so, in about one
fresh-clone run in three), and a reply that never comes still times out."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from queue import Empty
from typing import Any

import pytest
import zmq
import zmq.asyncio
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.session import Session

from cehcourse.notebook_replies import SLICE_SECONDS, poll_replies_in_slices

CELL_TIMEOUT = 8.0


@pytest.fixture
def sliced() -> Iterator[None]:
    """The patch as the build applies it, taken off again after the test."""
    whole_poll = AsyncZMQSocketChannel.get_msg
    poll_replies_in_slices()
    yield
    AsyncZMQSocketChannel.get_msg = whole_poll  # type: ignore[method-assign]


async def _wait_for_reply(lose_the_wake_up: bool, send_reply: bool = True, timeout: float = CELL_TIMEOUT) -> tuple[Any, float]:
    """A client (DEALER) asks a stand-in kernel (ROUTER), which replies after 0.3 s; then,
    before the client's event loop runs again, something else reads the client socket's
    state, which spends the edge its poll was waiting for."""
    context = zmq.asyncio.Context()
    session = Session()
    kernel = context.socket(zmq.ROUTER)
    port = kernel.bind_to_random_port("tcp://127.0.0.1")
    client = context.socket(zmq.DEALER)
    client.connect(f"tcp://127.0.0.1:{port}")
    channel = AsyncZMQSocketChannel(client, session)
    try:
        session.send(client, "kernel_info_request", {})
        identity, *_ = await kernel.recv_multipart()

        async def kernel_replies() -> None:
            await asyncio.sleep(0.3)
            if not send_reply:
                return
            await kernel.send_multipart([identity, *session.serialize(session.msg("kernel_info_reply", {}))])
            if lose_the_wake_up:
                state = zmq.Socket.shadow(client.underlying)
                give_up = time.monotonic() + 5
                while not state.get(zmq.EVENTS) & zmq.POLLIN:  # no await: the loop never sees the edge
                    assert time.monotonic() < give_up, "the reply never reached the client socket"
                    time.sleep(0.001)

        started = time.monotonic()
        replying = asyncio.ensure_future(kernel_replies())
        try:
            reply: Any = await channel.get_msg(timeout=timeout)
        except Empty as empty:
            reply = empty
        waited = time.monotonic() - started
        await replying
        return reply, waited
    finally:
        client.close(linger=0)
        kernel.close(linger=0)
        context.term()


def test_a_reply_whose_wake_up_was_lost_is_found_within_a_second(sliced: None) -> None:
    reply, waited = asyncio.run(_wait_for_reply(lose_the_wake_up=True))
    assert reply["msg_type"] == "kernel_info_reply"
    assert waited < 0.3 + SLICE_SECONDS + 0.5, f"found after {waited:.1f} s of a {CELL_TIMEOUT:.0f} s timeout"


def test_a_reply_that_arrives_normally_is_taken_at_once(sliced: None) -> None:
    reply, waited = asyncio.run(_wait_for_reply(lose_the_wake_up=False))
    assert reply["msg_type"] == "kernel_info_reply"
    assert waited < 0.3 + SLICE_SECONDS  # no slice waited out (generous: the build runs beside)


@pytest.mark.parametrize("timeout", [0.0, 2.5])
def test_a_reply_that_never_comes_still_times_out_after_the_whole_wait(sliced: None, timeout: float) -> None:
    reply, waited = asyncio.run(_wait_for_reply(lose_the_wake_up=False, send_reply=False, timeout=timeout))
    assert isinstance(reply, Empty)
    assert timeout <= waited < timeout + 0.5


def test_the_book_build_loads_it() -> None:
    """The course's Sphinx extension (the book's `_config.yml` loads it) sets it up, so the
    build's notebooks are executed with it."""
    from unittest.mock import MagicMock

    from cehcourse import sphinx_ext

    app = MagicMock()
    sphinx_ext.setup(app)
    loaded = [call.args[0] for call in app.setup_extension.call_args_list]
    assert "cehcourse.notebook_replies" in loaded
