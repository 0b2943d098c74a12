/*
 * import/onprem/tok.c -- the tokenizer of the text configurations.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/error.h"
#include "import/onprem/onprem.h"
#include "import/onprem/tok.h"

/* Configurations are small; anything beyond this is not one. */
#define TOK_FILE_MAX (16u << 20)

int
tok_open_mem(struct tokenizer *t, const char *name, const char *data, size_t len,
	     unsigned flags, const char *punct)
{
	memset(t, 0, sizeof(*t));
	t->buf = malloc(len + 1);
	t->ring = malloc(sizeof(*t->ring) * TOK_RING);
	if (t->buf == NULL || t->ring == NULL) {
		free(t->buf);
		free(t->ring);
		return HNS_ENOMEM;
	}
	memcpy(t->buf, data, len);
	t->buf[len] = '\0';
	t->len = len;
	t->file = name;
	t->flags = flags;
	t->punct = punct;
	t->line = 1;
	t->col = 1;
	return 0;
}

int
tok_open(struct tokenizer *t, const char *path, unsigned flags, const char *punct)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	size_t len = 0, cap = 0, got;
	int rc;

	if (f == NULL)
		return -errno;
	if (!onprem_file_regular(f)) {
		fclose(f);
		return HNS_EINVAL; /* a device or FIFO never ends: not a configuration */
	}
	do {
		if (len + 4096 > cap) {
			char *nd = cap >= TOK_FILE_MAX ? NULL : realloc(data, cap + 65536);

			if (nd == NULL) {
				free(data);
				fclose(f);
				return cap >= TOK_FILE_MAX ? HNS_ERANGE : HNS_ENOMEM;
			}
			data = nd;
			cap += 65536;
		}
		got = fread(data + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	rc = ferror(f) ? HNS_EACCES : 0;
	fclose(f);
	if (rc == 0)
		rc = tok_open_mem(t, path, data ? data : "", len, flags, punct);
	free(data);
	return rc;
}

void
tok_close(struct tokenizer *t)
{
	free(t->buf);
	free(t->ring);
	t->buf = NULL;
	t->ring = NULL;
}

static int
cur(const struct tokenizer *t, size_t off)
{
	return t->pos + off < t->len ? (unsigned char)t->buf[t->pos + off] : -1;
}

static void
adv(struct tokenizer *t)
{
	if (t->buf[t->pos] == '\n') {
		t->line++;
		t->col = 1;
	} else {
		t->col++;
	}
	t->pos++;
}

/* Skip blanks and comments; false with *err set on an unterminated block comment. */
static bool
skip(struct tokenizer *t, const char **err)
{
	for (;;) {
		int c = cur(t, 0);

		if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' ||
		    (c == '\n' && !(t->flags & TOK_NEWLINES))) {
			adv(t);
		} else if ((c == '#' && (t->flags & TOK_HASH)) ||
			   (c == '/' && cur(t, 1) == '/' && (t->flags & TOK_SLASHES)) ||
			   (c == '-' && cur(t, 1) == '-' && (t->flags & TOK_LUA) &&
			    !(cur(t, 2) == '[' && cur(t, 3) == '['))) {
			while (cur(t, 0) != -1 && cur(t, 0) != '\n')
				adv(t);
		} else if ((c == '/' && cur(t, 1) == '*' && (t->flags & TOK_CBLOCK)) ||
			   (c == '-' && cur(t, 1) == '-' && (t->flags & TOK_LUA))) {
			bool lua = c == '-';
			int e0 = lua ? ']' : '*', e1 = lua ? ']' : '/';

			for (int i = 0; i < (lua ? 4 : 2); i++)
				adv(t);
			while (cur(t, 0) != -1 && !(cur(t, 0) == e0 && cur(t, 1) == e1))
				adv(t);
			if (cur(t, 0) == -1) {
				*err = "an unterminated comment";
				return false;
			}
			adv(t);
			adv(t);
		} else {
			return true;
		}
	}
}

/* A quoted string from the opening quote, unescaped in place. */
static struct tok
lex_string(struct tokenizer *t, struct tok k)
{
	char q = t->buf[t->pos];
	size_t out;

	adv(t);
	out = t->pos;
	k.kind = TOK_STRING;
	k.text = t->buf + out;
	for (;;) {
		int c = cur(t, 0);

		if (c == -1 || (c == '\n' && (t->flags & TOK_LUA))) {
			k.kind = TOK_ERROR;
			k.text = "an unterminated string";
			return k;
		}
		if (c == q) {
			adv(t);
			break;
		}
		if (c == '\\' && cur(t, 1) != -1 && !(t->flags & TOK_RAW)) {
			adv(t);
			c = cur(t, 0);
			if ((t->flags & TOK_LUA) && c >= '0' && c <= '9') {
				unsigned v = 0;

				for (int i = 0; i < 3 && cur(t, 0) >= '0' && cur(t, 0) <= '9'; i++) {
					v = v * 10 + (unsigned)(cur(t, 0) - '0');
					adv(t);
				}
				t->buf[out++] = (char)(v > 255 ? 255 : v);
				continue;
			}
			if ((t->flags & TOK_LUA) && c == 'n')
				c = '\n';
		}
		t->buf[out++] = (char)c;
		adv(t);
	}
	t->buf[out] = '\0';
	k.len = (size_t)(t->buf + out - k.text);
	return k;
}

static bool
word_char(const struct tokenizer *t, int c)
{
	if (c == -1 || c <= ' ' || c == '"' || strchr(t->punct, c) != NULL)
		return false;
	if (c == '\'' && (t->flags & (TOK_LUA | TOK_SQUOTE)))
		return false;
	return true; /* '#' starts a comment only where a token would start (ip@port#name) */
}

static struct tok
lex(struct tokenizer *t)
{
	struct tok k = { TOK_EOF, "", 0, 0, 0 };
	const char *err = NULL;
	int c;

	if (!skip(t, &err)) {
		k.kind = TOK_ERROR;
		k.text = err;
		k.line = t->line;
		k.col = t->col;
		return k;
	}
	k.line = t->line;
	k.col = t->col;
	c = cur(t, 0);
	if (c == -1)
		return k;
	if (c == '\n') {
		adv(t);
		k.kind = TOK_NL;
		k.text = "newline";
		return k;
	}
	if (c == '"' || (c == '\'' && (t->flags & (TOK_LUA | TOK_SQUOTE))))
		return lex_string(t, k);
	if (c != 0 && strchr(t->punct, c) != NULL) {
		adv(t);
		t->pbuf[0] = (char)c;
		t->pbuf[1] = '\0';
		k.kind = TOK_PUNCT;
		k.text = t->pbuf;
		return k;
	}
	if (c < 0x20 || c == 0x7f) {
		k.kind = TOK_ERROR; /* no word holds it: it would never be consumed */
		k.text = "a control character";
		return k;
	}
	k.kind = TOK_WORD;
	k.text = t->buf + t->pos;
	while (word_char(t, cur(t, 0))) {
		/* A word ends where a comment starts. */
		if ((t->flags & TOK_SLASHES) && cur(t, 0) == '/' && cur(t, 1) == '/')
			break;
		if ((t->flags & TOK_LUA) && cur(t, 0) == '-' && cur(t, 1) == '-')
			break;
		adv(t);
	}
	return k;
}

/*
 * Words are copied into a ring of buffers (the file buffer stays intact, a
 * word's end is a quote or punctuation that must still be read): a word's
 * text lives until TOK_RING more tokens are read.  Strings are unescaped in
 * place and live as long as the tokenizer.
 */

static struct tok
finish(struct tokenizer *t, struct tok k)
{
	if (k.kind == TOK_WORD) {
		const char *end = k.text;
		char *w = t->ring[t->ring_i++ % TOK_RING];
		size_t n;

		while (end < t->buf + t->len && word_char(t, (unsigned char)*end) &&
		       !((t->flags & TOK_SLASHES) && end[0] == '/' && end[1] == '/') &&
		       !((t->flags & TOK_LUA) && end[0] == '-' && end[1] == '-'))
			end++;
		n = (size_t)(end - k.text);
		if (n >= TOK_WORD_MAX)
			n = TOK_WORD_MAX - 1;
		memcpy(w, k.text, n);
		w[n] = '\0';
		k.text = w;
	} else if (k.kind == TOK_PUNCT) {
		char *w = t->ring[t->ring_i++ % TOK_RING];

		w[0] = k.text[0];
		w[1] = '\0';
		k.text = w;
	}
	return k;
}

struct tok
tok_next(struct tokenizer *t)
{
	if (t->has_peeked) {
		t->has_peeked = false;
		return t->peeked;
	}
	return finish(t, lex(t));
}

struct tok
tok_peek(struct tokenizer *t)
{
	if (!t->has_peeked) {
		t->peeked = finish(t, lex(t));
		t->has_peeked = true;
	}
	return t->peeked;
}

bool
tok_is(const struct tok *k, char ch)
{
	return k->kind == TOK_PUNCT && k->text[0] == ch;
}
