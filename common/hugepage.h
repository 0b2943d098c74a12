/*
 * common/hugepage.h -- transparent huge pages for large tables.
 *
 * The big preallocated tables (the forwarder's cache and query slots, the
 * VPN's lanes, the handoff rings) are touched as traffic fills them: with
 * 4 KiB pages, one page fault each 4 KiB, each a trap that costs 10-15 us
 * on a paravirtualised machine, in bursts during a world's first second
 * at a high rate.  With THP in "madvise" mode (Debian's default) the kernel
 * backs an advised range with 2 MiB pages: one fault per 2 MiB.
 */
#pragma once

#include <stddef.h>

/* Below this a block is left alone: THP covers only whole aligned 2 MiB. */
#define HNS_HUGEPAGE_MIN ((size_t)2 << 20)

/*
 * Advise huge pages over the whole pages inside [p, p + len); blocks
 * smaller than HNS_HUGEPAGE_MIN, NULL, and a kernel that refuses are
 * ignored (the memory works as before).
 */
void hns_hugepage_advise(void *p, size_t len);

/*
 * malloc(size) with huge pages over all of it when size is HNS_HUGEPAGE_MIN
 * or more: aligned to 2 MiB and rounded up to a whole 2 MiB (freed with
 * free()).  Not zeroed, as malloc.
 */
void *hns_malloc_huge(size_t size);

/*
 * calloc(n, size) with huge pages advised on a block of HNS_HUGEPAGE_MIN
 * or more (freed with free()).
 */
void *hns_calloc_huge(size_t n, size_t size);

/*
 * Fault in now every page of the process's private writable anonymous
 * memory (the heap and every anonymous mapping, thread stacks included;
 * not the main stack, not files): madvise MADV_POPULATE_WRITE (Linux
 * 5.14) over each such range of /proc/self/maps.  `load` calls it once its
 * world and generator are built, just before the clock starts: a table's
 * first touch is a trap (10-15 us here), and thousands of them in a
 * world's first tenth of a second queued its queries for tens of
 * milliseconds (docs/performance.md, "When the machine stalls").  Returns
 * the bytes populated; 0 where the kernel cannot.
 */
size_t hns_prefault_all(void);

/*
 * The same for one block allocated after that (a table made by the first
 * datagram of a flow): fault it in at once, in one call, instead of at its
 * first touch inside another thread's turn.  Ignored where the kernel
 * cannot.
 */
void hns_prefault(void *p, size_t len);
/* Ranges larger than this are left alone, and so is anything past the total. */
#define HNS_PREFAULT_RANGE_MAX ((size_t)1 << 30)
#define HNS_PREFAULT_MAX ((size_t)4 << 30)
