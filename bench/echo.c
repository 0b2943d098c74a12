/*
 * bench/echo.c -- the trivial DNS responder of bench/load.sh: one thread,
 * one UDP socket on 127.0.0.1:PORT, batches of 64 with recvmmsg/sendmmsg;
 * each datagram goes back to its sender with the QR bit set.  It does no
 * DNS work, so a client measured against it is measured, not the server.
 * Runs until killed.  Build: cc -O2 -o echo bench/echo.c
 */
#define _GNU_SOURCE 1
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define BATCH 64
#define PKT 1500

int
main(int argc, char **argv)
{
	static unsigned char buf[BATCH][PKT];
	static struct sockaddr_in from[BATCH];
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in a = { .sin_family = AF_INET };
	int fd, big = 8 << 20;

	if (argc != 2) {
		fprintf(stderr, "usage: echo PORT\n");
		return 2;
	}
	a.sin_port = htons((unsigned short)atoi(argv[1]));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		perror("echo: bind");
		return 1;
	}
	for (;;) {
		int n;

		for (int i = 0; i < BATCH; i++) {
			iov[i].iov_base = buf[i];
			iov[i].iov_len = PKT;
			memset(&msg[i].msg_hdr, 0, sizeof(msg[i].msg_hdr));
			msg[i].msg_hdr.msg_iov = &iov[i];
			msg[i].msg_hdr.msg_iovlen = 1;
			msg[i].msg_hdr.msg_name = &from[i];
			msg[i].msg_hdr.msg_namelen = sizeof(from[i]);
		}
		n = recvmmsg(fd, msg, BATCH, MSG_WAITFORONE, NULL);
		if (n <= 0)
			continue;
		for (int i = 0; i < n; i++) {
			iov[i].iov_len = msg[i].msg_len;
			if (msg[i].msg_len >= 3)
				buf[i][2] |= 0x80;
		}
		sendmmsg(fd, msg, (unsigned)n, 0);
	}
}
