/*
 * import/onprem/tok.h -- one tokenizer for the text configurations (BIND,
 * CoreDNS, the Lua of dnsdist): words, quoted strings, punctuation, and
 * optionally newlines, each with its 1-based line and column; comments
 * dropped.  The file is read whole; tokens point into a copy of it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tok_kind {
	TOK_EOF,
	TOK_WORD,
	TOK_STRING, /* quotes removed, escapes resolved */
	TOK_PUNCT,  /* one character of the punct set */
	TOK_NL,	    /* only with newlines significant */
	TOK_ERROR,  /* an unterminated string or comment; text says which */
};

enum {
	TOK_HASH = 1 << 0,	  /* # to end of line, where a token would start */
	TOK_SLASHES = 1 << 1,	  /* // to end of line */
	TOK_CBLOCK = 1 << 2,	  /* C block comments */
	TOK_LUA = 1 << 3,	  /* -- to end of line, --[[ ]] blocks, '' strings, \ddd escapes */
	TOK_NEWLINES = 1 << 4,	  /* newlines are tokens */
	TOK_SQUOTE = 1 << 5,	  /* '' strings too */
	TOK_RAW = 1 << 6,	  /* no backslash escapes in strings */
};

struct tok {
	enum tok_kind kind;
	const char *text; /* NUL-terminated (word, string, punct as a 1-char string) */
	size_t len;	  /* strings: bytes, which may include NULs (\000) */
	uint32_t line, col;
};

#define TOK_RING 8
#define TOK_WORD_MAX 4096

struct tokenizer {
	const char *file;
	char *buf; /* the file, then unescaped tokens written in place */
	size_t len, pos;
	uint32_t line, col;
	unsigned flags;
	const char *punct;
	char pbuf[2];
	char (*ring)[TOK_WORD_MAX]; /* words are copied here, TOK_RING in turn */
	unsigned ring_i;
	struct tok peeked;
	bool has_peeked;
};

/* Read `path` whole; 0, or -errno. */
int tok_open(struct tokenizer *t, const char *path, unsigned flags, const char *punct);
/* Tokenize a buffer (copied). */
int tok_open_mem(struct tokenizer *t, const char *name, const char *data, size_t len,
		 unsigned flags, const char *punct);
void tok_close(struct tokenizer *t);
struct tok tok_next(struct tokenizer *t);
struct tok tok_peek(struct tokenizer *t);
/* Whether tok is punctuation ch. */
bool tok_is(const struct tok *k, char ch);
