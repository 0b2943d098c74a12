#!/usr/bin/env python3
"""Hold idle TCP connections open against a DNS server (tcp_flood.sh's flooder).

usage: tcp_flood.py HOST PORT STATUS PAUSE N1 N2 SRC...

Opens N1 connections, then after PAUSE seconds N2 more, to HOST:PORT from
the source addresses SRC (round robin), sends nothing, and keeps them open
until killed.  Once both waves have finished connecting (or 30 s passed)
it writes "connected=C open=O" to STATUS: C handshakes completed, O of them
not (yet) closed by the server.  Loopback only: HOST and every SRC must be
in 127.0.0.0/8.
"""
import errno
import os
import resource
import select
import socket
import sys
import time


CHUNK = 200


def loopback(a):
    return a.startswith("127.")


def wave(host, port, n, srcs, first):
    socks = []
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.bind((srcs[(first + i) % len(srcs)], 0))
        rc = s.connect_ex((host, port))
        if rc not in (0, errno.EINPROGRESS):
            s.close()
            continue
        socks.append(s)
    return socks


def settle(socks, deadline):
    """Wait until every connect has completed or failed; return the connected ones."""
    pending = {s.fileno(): s for s in socks}
    poller, done = select.poll(), []
    for fd in pending:
        poller.register(fd, select.POLLOUT)
    while pending and time.monotonic() < deadline:
        for fd, _ in poller.poll(200):
            s = pending.pop(fd, None)
            if s is None:
                continue
            poller.unregister(fd)
            if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                done.append(s)
            else:
                s.close()
    return done


def connect_all(host, port, n, srcs, first, deadline):
    """n connections in chunks of CHUNK, each settled before the next: the
    server's accept queue (1024) then never overflows, so the server sees
    every handshake the flooder counts at about the time it counts it."""
    held = []
    for k in range(0, n, CHUNK):
        held += settle(wave(host, port, min(CHUNK, n - k), srcs, first + k), deadline)
    return held


def still_open(s):
    try:
        return s.recv(1, socket.MSG_PEEK) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False


def main():
    host, port, status, pause = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
    n1, n2, srcs = int(sys.argv[5]), int(sys.argv[6]), sys.argv[7:]
    if not loopback(host) or not srcs or not all(loopback(a) for a in srcs):
        sys.exit("tcp_flood.py: loopback addresses only")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    deadline = time.monotonic() + 30
    held = connect_all(host, port, n1, srcs, 0, deadline)
    if n2:
        time.sleep(pause)
        held += connect_all(host, port, n2, srcs, n1, deadline + pause)
    opened = sum(1 for s in held if still_open(s))
    tmp = status + ".tmp"
    with open(tmp, "w") as f:
        f.write("connected=%d open=%d\n" % (len(held), opened))
    os.rename(tmp, status)
    while True:  # idle: hold them until killed
        time.sleep(60)


if __name__ == "__main__":
    main()
