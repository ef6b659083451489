/*
 * fuzzfile.h: the fuzz input as a file, for targets whose reader opens a
 * path (libpcap does).  One file per process, rewritten for every input.
 */
#ifndef LH_FUZZFILE_H
#define LH_FUZZFILE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Write data to /tmp/lh-fuzz-TAG-PID.cap; its path (static storage). */
static inline const char *
fuzz_file(const char *tag, const uint8_t *data, size_t size)
{
	static char path[64];
	FILE *f;

	if (path[0] == '\0')
		snprintf(path, sizeof(path), "/tmp/lh-fuzz-%s-%ld.cap", tag,
		    (long)getpid());
	if ((f = fopen(path, "wb")) == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, f) != size)
		abort();
	if (fclose(f) != 0)
		abort();
	return path;
}

#endif
