/*
 * common/hugepage.c -- transparent huge pages for large tables (see hugepage.h).
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

void
hns_prefault(void *p, size_t len)
{
	uintptr_t start = ((uintptr_t)p + 4095) & ~(uintptr_t)4095, end = ((uintptr_t)p + len) & ~(uintptr_t)4095;

	if (p && end > start)
		(void)madvise((void *)start, end - start, MADV_POPULATE_WRITE);
}

size_t
hns_prefault_all(void)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512];
	size_t done = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long start, end, inode;
		char perms[5], path[256] = "";
		int n = sscanf(line, "%lx-%lx %4s %*s %*s %lu %255s", &start, &end, perms, &inode,
		               path);

		if (n < 4 || strcmp(perms, "rw-p") != 0 || end <= start)
			continue;
		/* anonymous (no inode, no name) or the heap; never a file, the stack or [vvar] */
		if (inode != 0 || (path[0] && strcmp(path, "[heap]") != 0))
			continue;
		/*
		 * A range this large is a reservation, not a table (a sanitizer's
		 * shadow memory is terabytes of it): populating it would take the
		 * machine's memory.
		 */
		if (end - start > HNS_PREFAULT_RANGE_MAX || done + (end - start) > HNS_PREFAULT_MAX)
			continue;
		if (madvise((void *)start, end - start, MADV_POPULATE_WRITE) == 0)
			done += end - start;
		else if (errno == EINVAL)
			break; /* a kernel before 5.14 */
	}
	fclose(f);
	return done;
}
