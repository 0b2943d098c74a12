/*
 * common/grow.h -- room for one more element in a heap array that doubles.
 *
 * The one way a growing table of the project (the address map, parsed
 * lists) asks for more room: capacity `first` at the start, then twice the
 * last, with realloc.  Arena-backed arrays have their own (import/scen.c).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "common/error.h"

/*
 * Make room for element n of *arr (elem bytes each, *cap allocated): when
 * n == *cap the array is reallocated to the next capacity.  Returns 0, or
 * HNS_ENOMEM (also when the size would overflow) with *arr and *cap unchanged.
 */
static inline int
hns_grow(void *arr, size_t *cap, size_t n, size_t elem, size_t first)
{
	void **p = arr;
	size_t nc;
	void *np;

	if (n < *cap)
		return 0;
	nc = *cap ? *cap * 2 : first;
	if (nc <= *cap || nc > SIZE_MAX / elem)
		return HNS_ENOMEM; /* the size would overflow */
	np = realloc(*p, nc * elem);
	if (np == NULL)
		return HNS_ENOMEM;
	*p = np;
	*cap = nc;
	return 0;
}
