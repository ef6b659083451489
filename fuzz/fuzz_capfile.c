/*
 * fuzz_capfile.c: libFuzzer target for the capture file readers (libpcap
 * and our pcapng reader): the input becomes a file, which is opened and
 * read to the end or to the first damage.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "capfile.h"
#include "fuzzfile.h"
#include "lh.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path;
	struct capfile *cf;
	struct caprec rec;
	char err[LH_ERRLEN];
	volatile uint8_t sink = 0;

	path = fuzz_file("capfile", data, size);

	if ((cf = capfile_open(path, err, sizeof(err))) != NULL) {
		while (capfile_next(cf, &rec, err, sizeof(err)) == 1) {
			/* Touch every byte the record claims to hold. */
			for (uint32_t i = 0; i < rec.caplen; i++)
				sink ^= rec.data[i];
		}
		capfile_close(cf);
	}
	unlink(path);
	(void)sink;
	return 0;
}
