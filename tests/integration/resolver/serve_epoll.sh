#!/usr/bin/env bash
# serve.sh with the AWS listeners' UDP workers on the epoll loop
# (--udp-io epoll): every check of the io_uring run, on the other path.
UDP_IO=epoll
source "$SRCDIR/tests/integration/resolver/serve.sh"
