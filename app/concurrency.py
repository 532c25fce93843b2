"""The only module that knows about gevent, eventlet or plain threads (chosen by ASYNC_MODE)."""

from __future__ import annotations

import functools
import select
import threading
from typing import Any, Callable, Protocol

_mode = "threading"


class Task(Protocol):
    def kill(self) -> None: ...
    def join(self, timeout: float | None = None) -> None: ...


def patch(mode: str) -> None:
    """Make the standard library cooperative. Call first thing, before any other import."""
    if mode == "gevent":
        from gevent import monkey

        monkey.patch_all()
    elif mode == "eventlet":
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import eventlet

        eventlet.monkey_patch()
    use(mode)


def use(mode: str) -> None:
    """Select the backend without patching (tests and already-patched processes)."""
    global _mode
    if mode not in ("gevent", "eventlet", "threading"):
        raise ValueError(f"unknown async mode {mode!r}")
    _mode = mode


def mode() -> str:
    return _mode


class _ThreadTask:
    def __init__(self, thread: threading.Thread) -> None:
        self._thread = thread

    def kill(self) -> None:
        """Threads cannot be killed; cancellation is cooperative (cancel hooks, events)."""

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)


class _GreenTask:
    def __init__(self, green: Any) -> None:
        self._green = green

    def kill(self) -> None:
        self._green.kill(block=False) if _mode == "gevent" else self._green.kill()

    def join(self, timeout: float | None = None) -> None:
        if _mode == "gevent":
            self._green.join(timeout)
        else:
            import eventlet

            with eventlet.Timeout(timeout, False):
                self._green.wait()


def spawn(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Task:
    """Run fn concurrently (a greenlet, or a daemon thread in threading mode)."""
    if _mode == "gevent":
        import gevent

        return _GreenTask(gevent.spawn(fn, *args, **kwargs))
    if _mode == "eventlet":
        import eventlet

        return _GreenTask(eventlet.spawn(fn, *args, **kwargs))
    thread = threading.Thread(target=fn, args=args, kwargs=kwargs, daemon=True)
    thread.start()
    return _ThreadTask(thread)


def spawn_later(seconds: float, fn: Callable[..., Any], *args: Any) -> Task:
    if _mode == "gevent":
        import gevent

        return _GreenTask(gevent.spawn_later(seconds, fn, *args))
    if _mode == "eventlet":
        import eventlet

        return _GreenTask(eventlet.spawn_after(seconds, fn, *args))
    timer = threading.Timer(seconds, fn, args)
    timer.daemon = True
    timer.start()
    return _TimerTask(timer)


class _TimerTask(_ThreadTask):
    def __init__(self, timer: threading.Timer) -> None:
        super().__init__(timer)
        self._timer = timer

    def kill(self) -> None:
        self._timer.cancel()


def sleep(seconds: float) -> None:
    if _mode == "gevent":
        import gevent

        gevent.sleep(seconds)
    elif _mode == "eventlet":
        import eventlet

        eventlet.sleep(seconds)
    else:
        import time

        time.sleep(seconds)


def event() -> Any:
    """An Event with set(), clear(), is_set(), wait(timeout) -> bool."""
    if _mode == "gevent":
        import gevent.event

        return gevent.event.Event()
    if _mode == "eventlet":
        return _EventletEvent()
    return threading.Event()


class _EventletEvent:
    def __init__(self) -> None:
        import eventlet.event

        self._event = eventlet.event.Event()

    def set(self) -> None:
        if not self._event.ready():
            self._event.send(True)

    def is_set(self) -> bool:
        return self._event.ready()

    def clear(self) -> None:
        if self._event.ready():
            self._event.reset()

    def wait(self, timeout: float | None = None) -> bool:
        import eventlet

        with eventlet.Timeout(timeout, False):
            self._event.wait()
        return self._event.ready()


def wait_precisely(event: Any, seconds: float) -> bool:
    """event.wait(seconds), ending on time: a poll's timeout may end up to 0.1 % late (Linux's timer slack
    for select/poll/epoll, 2 ms at 2 s), so wait most of it first, then the short rest. True if set."""
    import time

    deadline = time.monotonic() + seconds
    if seconds > 0.05 and event.wait(seconds * 0.998 - 0.001):
        return True
    return bool(event.wait(max(0.0, deadline - time.monotonic())))


def lock() -> Any:
    if _mode == "gevent":
        import gevent.lock

        return gevent.lock.RLock()
    if _mode == "eventlet":
        return _EventletRLock()
    return threading.RLock()


class _EventletRLock:
    """A re-entrant lock for eventlet green threads (eventlet only ships a plain Semaphore)."""

    def __init__(self) -> None:
        import eventlet.semaphore

        self._sem = eventlet.semaphore.Semaphore(1)
        self._owner: Any = None
        self._count = 0

    def acquire(self, blocking: bool = True, timeout: float | None = None) -> bool:
        import greenlet

        me = greenlet.getcurrent()
        if self._owner is me:
            self._count += 1
            return True
        if not self._sem.acquire(blocking, timeout):
            return False
        self._owner, self._count = me, 1
        return True

    def release(self) -> None:
        import greenlet

        if self._owner is not greenlet.getcurrent():
            raise RuntimeError("cannot release a lock owned by another green thread")
        self._count -= 1
        if self._count == 0:
            self._owner = None
            self._sem.release()

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc: Any) -> None:
        self.release()


def semaphore(size: int) -> Any:
    if _mode == "gevent":
        import gevent.lock

        return gevent.lock.BoundedSemaphore(size)
    if _mode == "eventlet":
        import eventlet.semaphore

        return eventlet.semaphore.BoundedSemaphore(size)
    return threading.BoundedSemaphore(size)


def queue(maxsize: int = 0) -> Any:
    """A FIFO queue for tasks of this mode: put_nowait() (queue.Full when bounded and full), get(timeout=)
    (queue.Empty when nothing came), get_nowait(), qsize(); the exceptions are the standard library's."""
    if _mode == "gevent":
        import gevent.queue

        return gevent.queue.Queue(maxsize or None)
    if _mode == "eventlet":
        import eventlet.queue

        return eventlet.queue.Queue(maxsize or None)  # eventlet: 0 would mean no room at all
    import queue as stdlib_queue

    return stdlib_queue.Queue(maxsize)


def readable_now(fileno: int) -> bool:
    """True if a read on this descriptor would not block (data waiting, or the peer closed): one real poll(0)
    that never switches tasks (gevent's and eventlet's green poll and select go round their event loop even
    with a zero timeout)."""
    poll = _real_poll(_mode)()
    poll.register(fileno, select.POLLIN)
    return bool(poll.poll(0))


@functools.cache
def _real_poll(mode: str) -> Callable[[], Any]:
    if mode == "gevent":
        from gevent.monkey import get_original

        return get_original("select", "poll")  # type: ignore[no-any-return]
    if mode == "eventlet":
        from eventlet.patcher import original

        return original("select").poll  # type: ignore[no-any-return]
    return select.poll


def run_blocking(fn: Callable[..., Any], *args: Any) -> Any:
    """Run CPU-heavy or blocking C code on a native thread so the event loop stays free."""
    if _mode == "gevent":
        import gevent

        return gevent.get_hub().threadpool.apply(fn, args)
    if _mode == "eventlet":
        from eventlet import tpool

        return tpool.execute(fn, *args)
    return fn(*args)


def on_signal(signum: int, handler: Callable[[], Any]) -> None:
    """Call `handler` (in a task of its own, never inside the signal handler) when the process gets `signum`."""
    if _mode == "gevent":
        import gevent

        gevent.signal_handler(signum, handler)
        return
    import signal

    if _mode == "eventlet":
        signal.signal(signum, _eventlet_signal_waker(handler))
        return
    signal.signal(signum, lambda _signum, _frame: spawn(handler))


def _eventlet_signal_waker(handler: Callable[[], Any]) -> Callable[[int, Any], None]:
    """A signal handler that wakes eventlet's hub through a pipe (the hub may be waiting in epoll for
    seconds, and a task spawned from the signal handler would wait as long), then runs `handler`."""
    import os

    import eventlet
    from eventlet.hubs import trampoline

    read_fd, write_fd = os.pipe()
    os.set_blocking(read_fd, False)
    os.set_blocking(write_fd, False)

    def wait() -> None:
        while True:
            trampoline(read_fd, read=True)
            os.read(read_fd, 64)
            spawn(handler)

    eventlet.spawn(wait)
    raw_write = eventlet.patcher.original("os").write  # the green one would switch inside the hub
    return lambda _signum, _frame: raw_write(write_fd, b"!")


class Cancelled(BaseException):
    """Raised inside a node's task when its run is cancelled (BaseException, like GreenletExit)."""


class Pacer:
    """Lets a busy loop give way to other tasks: tick() yields once `interval` seconds have passed since the
    last yield (a green thread that never blocks would otherwise hold the whole server)."""

    __slots__ = ("_interval", "_next")

    def __init__(self, interval: float = 0.0005) -> None:
        import time

        self._interval = interval
        self._next = time.monotonic() + interval

    def tick(self) -> None:
        import time

        now = time.monotonic()
        if now >= self._next:
            sleep(0)
            self._next = time.monotonic() + self._interval
