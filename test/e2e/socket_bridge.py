"""Forward connections between a TCP address and a Unix socket, both ways of crossing a netns.

Network namespaces do not separate Unix sockets on the file system, so a process in a private
network namespace reaches a server outside through two bridges: ``tcp-to-unix`` inside (listening
on the namespace's loopback) and ``unix-to-tcp`` outside. Used by
``test_reference_operator.py`` to give the reference binary, which listens on fixed ports, a
network of its own. Exits when its parent goes away.

Usage: ``python socket_bridge.py tcp-to-unix HOST:PORT PATH [READY]`` or
``python socket_bridge.py unix-to-tcp PATH HOST:PORT [READY]``; READY is a file written once the
bridge listens.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        with contextlib.suppress(ConnectionError, OSError):
            writer.close()


async def _main(mode: str, listen: str, target: str, ready: str = "") -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            if mode == "tcp-to-unix":
                up_reader, up_writer = await asyncio.open_unix_connection(target)
            else:
                host, port = target.rsplit(":", 1)
                up_reader, up_writer = await asyncio.open_connection(host, int(port))
        except OSError:
            writer.close()
            return
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))

    if mode == "tcp-to-unix":
        host, port = listen.rsplit(":", 1)
        server = await asyncio.start_server(handle, host, int(port))
    else:
        server = await asyncio.start_unix_server(handle, listen)
    if ready:  # tell whoever waits that connections are accepted now
        with open(ready, "w") as marker:
            marker.write("ready\n")
    parent = os.getppid()
    async with server:
        while os.getppid() == parent:
            await asyncio.sleep(0.5)


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5) or sys.argv[1] not in ("tcp-to-unix", "unix-to-tcp"):
        sys.exit(__doc__)
    asyncio.run(_main(*sys.argv[1:]))
