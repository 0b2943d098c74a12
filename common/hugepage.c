/*
 * common/hugepage.c -- transparent huge pages for large tables (see hugepage.h).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/hugepage.h"

void
hns_hugepage_advise(void *p, size_t len)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE), start, end;

	if (!p || len < HNS_HUGEPAGE_MIN || page == 0 || page == (uintptr_t)-1)
		return;
	start = ((uintptr_t)p + page - 1) & ~(page - 1);
	end = ((uintptr_t)p + len) & ~(page - 1);
	if (end > start)
		(void)madvise((void *)start, end - start, MADV_HUGEPAGE);
}

void *
hns_malloc_huge(size_t size)
{
	size_t whole;
	void *p;

	if (size < HNS_HUGEPAGE_MIN)
		return malloc(size);
	whole = (size + HNS_HUGEPAGE_MIN - 1) & ~(HNS_HUGEPAGE_MIN - 1);
	if (whole < size)
		return NULL;
	p = aligned_alloc(HNS_HUGEPAGE_MIN, whole);
	hns_hugepage_advise(p, whole);
	return p;
}

void *
hns_calloc_huge(size_t n, size_t size)
{
	void *p = calloc(n, size);

	/* calloc cannot overflow n * size and return non-NULL */
	if (p)
		hns_hugepage_advise(p, n * size);
	return p;
}
