#include "config.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/json.h"

/*
 * Length of the valid UTF-8 sequence at s (at most len bytes), or 0 when
 * the bytes there do not form one (RFC 3629).
 */
static size_t
utf8_len(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n > len)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* A jansson string of s, each invalid byte replaced by U+FFFD; NULL when memory ran out. */
static json_t *
json_text(const char *str, size_t len)
{
	static const char fffd[] = "\xef\xbf\xbd";
	const unsigned char *s = (const unsigned char *)str;
	json_t *v = json_stringn(str, len); /* NULL when not valid UTF-8 */
	char *clean;
	size_t o = 0;

	if (v != NULL || len == 0)
		return v ? v : json_string("");
	if ((clean = malloc(3 * len)) == NULL)
		return NULL;
	for (size_t i = 0; i < len;) {
		size_t n = utf8_len(s + i, len - i);

		if (n == 0) {
			memcpy(clean + o, fffd, 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(clean + o, s + i, n);
		o += n;
		i += n;
	}
	v = json_stringn(clean, o);
	free(clean);
	return v;
}

int
hns_json_str_write(FILE *out, const char *s, size_t len)
{
	json_t *v = json_text(s, len);
	int rc;

	if (v == NULL)
		return HNS_ENOMEM;
	rc = json_dumpf(v, out, JSON_ENCODE_ANY) == 0 ? 0 : -EIO;
	json_decref(v);
	return rc;
}

char *
hns_json_str_dup(const char *s, size_t len)
{
	json_t *v = json_text(s, len);
	char *t;

	if (v == NULL)
		return NULL;
	t = json_dumps(v, JSON_ENCODE_ANY);
	json_decref(v);
	return t;
}
