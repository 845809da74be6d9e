"""An open-loop HTTP/1.1 load generator that costs little CPU: one thread, one event loop.

Request *i* is due at ``i / rate`` seconds after the start, whether or not
earlier ones have returned, and its latency counts from when it was due (so a
server that falls behind, or a client that does, shows in the figures rather
than slowing the arrivals down). Connections are kept alive when the server
allows it and opened anew when it closes them; each request takes an idle one
or opens another, up to ``connections`` at once (as many clients): past that a
due request waits for one, its wait counted, rather than opening a storm of
connections to a server that has fallen behind. Plain ``asyncio.Protocol``s rather than threads and
``http.client``: on a small machine the generator shares the cores with the
server it measures, so it should spend as little of them as it can.
"""

import asyncio
import time
from dataclasses import dataclass, field


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)  # seconds, in completion order
    errors: list[str] = field(default_factory=list)  # the paths of failed requests
    wall: float = 0.0  # from the first request's due time until the last answer


class _Connection(asyncio.Protocol):
    """One HTTP/1.1 connection answering one request at a time."""

    def __init__(self, idle: list):
        self.idle, self.transport, self.waiter, self.buffer = idle, None, None, b""
        self.closed = False

    def connection_made(self, transport):
        self.transport = transport

    def send(self, request: bytes) -> asyncio.Future:
        self.buffer, self.waiter = b"", asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return self.waiter

    def data_received(self, data: bytes):
        self.buffer += data
        head_end = self.buffer.find(b"\r\n\r\n")
        if head_end < 0 or self.waiter is None:
            return
        head = self.buffer[:head_end].lower()
        length = int(head.split(b"content-length:", 1)[1].split(b"\r\n", 1)[0])
        if len(self.buffer) - head_end - 4 < length:
            return
        status = int(head[9:12])
        waiter, self.waiter = self.waiter, None
        if b"connection: close" in head:
            self.closed = True
            self.transport.close()
        waiter.set_result(status)

    def connection_lost(self, exc):
        self.closed = True
        if self in self.idle:
            self.idle.remove(self)
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(exc or ConnectionError("closed before the answer"))


async def _run(host: str, port: int, paths: list[str], rate: float, headers: dict,
               timeout: float, connections: int) -> Result:
    loop = asyncio.get_running_loop()
    clients = asyncio.Semaphore(connections)
    extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    idle: list[_Connection] = []
    result = Result()
    start = loop.time() + 0.2

    async def one(i: int, path: str):
        due = start + i / rate
        request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{extra}\r\n".encode()
        async with clients:
            ok = await send(request)
        result.latencies.append(loop.time() - due)
        if not ok:
            result.errors.append(path)

    async def send(request: bytes) -> bool:
        connection = idle.pop() if idle else None
        try:
            if connection is None:
                _, connection = await loop.create_connection(lambda: _Connection(idle), host, port)
            status = await asyncio.wait_for(connection.send(request), timeout)
            if not connection.closed:
                idle.append(connection)
            return status == 200
        except (TimeoutError, OSError, ValueError, IndexError):  # no answer, or no HTTP one
            if connection is not None and connection.transport is not None:
                connection.transport.close()
            return False

    tasks = []
    for i, path in enumerate(paths):
        delay = start + i / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i, path)))
    await asyncio.gather(*tasks)
    result.wall = loop.time() - start
    for connection in idle:
        connection.transport.close()
    return result


def open_loop(host: str, port: int, paths: list[str], rate: float, headers: dict,
              timeout: float = 10.0, connections: int = 64) -> Result:
    """Send ``GET path`` for each of ``paths`` at ``rate`` per second over at most
    ``connections`` connections; every answer but a 200 (or none within ``timeout``
    seconds of sending) is an error."""
    return asyncio.run(_run(host, port, paths, rate, headers, timeout, connections))


if __name__ == "__main__":  # a smoke test against a running server: host port path rate n
    import sys

    host, port, path, rate, n = sys.argv[1:6]
    began = time.process_time()
    found = open_loop(host, int(port), [path] * int(n), float(rate), {})
    print(len(found.latencies), "answers,", len(found.errors), "errors,",
          f"{(time.process_time() - began) * 1000 / int(n):.2f} ms CPU each")
