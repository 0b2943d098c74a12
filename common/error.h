/*
 * common/error.h -- the one error convention of hybridns.
 *
 * Functions return int: 0 on success or a negative code from enum hns_err.
 * Codes that mirror errno are the negated errno value (HNS_ENOMEM == -ENOMEM),
 * so a failed system call can be passed up as -errno unchanged.
 */
#pragma once

#include <errno.h>

enum hns_err {
	HNS_OK = 0,
	HNS_ENOMEM = -ENOMEM,
	HNS_EINVAL = -EINVAL,
	HNS_ENOENT = -ENOENT,
	HNS_EEXIST = -EEXIST,
	HNS_ENOSPC = -ENOSPC,
	HNS_EAGAIN = -EAGAIN,
	HNS_ERANGE = -ERANGE,
	HNS_EACCES = -EACCES,
	HNS_ETIMEDOUT = -ETIMEDOUT,

	/* Codes of our own, below every errno value. */
	HNS_EBASE = -10000,
	HNS_EMALFORMED = HNS_EBASE,	/* wire data that does not parse */
	HNS_ETRUNC,			/* wire data ends early */
	HNS_ENAME,			/* a bad domain name */
	HNS_EADDR,			/* a bad address or CIDR */
	HNS_ESCENARIO,			/* the scenario did not validate */
	HNS_EUSAGE,			/* bad command-line usage */
	HNS_ENOTLOOPBACK,		/* refused: destination is not loopback */
	HNS_EFULL,			/* a bounded table is full */
	HNS_EPARSE,			/* text that does not parse */
	HNS_ELAST,
};

/* A static, human-readable description of an hns_err (or -errno) code. */
const char *hns_strerror(int code);
