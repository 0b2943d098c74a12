#!/usr/bin/env bash
# forward.sh with the forwarder's UDP sockets on io_uring (--udp-io
# io_uring): every check of the epoll run, and the worker must really be
# on the ring (stats: io_uring_workers), not fallen back to epoll.
UDP_IO=io_uring
FWD_CHECK_RING=1
source "$SRCDIR/tests/integration/forwarder/forward.sh"
