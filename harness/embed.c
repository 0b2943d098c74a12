/*
 * harness/embed.c -- build tool: turn a file into a C array.
 * usage: embed INPUT OUTPUT SYMBOL
 * Writes `const char SYMBOL[]` (NUL-terminated) and `const size_t SYMBOL_len`.
 */
#include <stdio.h>

int
main(int argc, char **argv)
{
	FILE *in, *out;
	int ch;
	unsigned long n = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: embed INPUT OUTPUT SYMBOL\n");
		return 2;
	}
	if ((in = fopen(argv[1], "rb")) == NULL || (out = fopen(argv[2], "w")) == NULL) {
		perror("embed");
		return 1;
	}
	fprintf(out, "/* Generated from %s by harness/embed.c: do not edit. */\n", argv[1]);
	fprintf(out, "#include <stddef.h>\n\nextern const char %s[];\nextern const size_t %s_len;\n",
		argv[3], argv[3]);
	fprintf(out, "const char %s[] = {", argv[3]);
	while ((ch = fgetc(in)) != EOF) {
		fprintf(out, "%s0x%02x,", n % 16 ? " " : "\n\t", ch);
		n++;
	}
	fprintf(out, "\n\t0x00\n};\nconst size_t %s_len = %lu;\n", argv[3], n);
	if (ferror(in) || fclose(out) != 0) {
		perror("embed");
		return 1;
	}
	fclose(in);
	return 0;
}
