/*
 * fuzz_replay.c: libFuzzer target for a whole replay: the input is a
 * capture file (pcap or pcapng); every record it yields goes through
 * decode and the engine, as `lasthop replay` would feed them, and every
 * trace the engine hands out is freed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "capfile.h"
#include "fuzzfile.h"
#include "engine.h"
#include "replay.h"
#include "lh.h"
#include "model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
emit_free(void *arg, struct trace *t, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	++*(size_t *)arg;
	trace_free(t);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path;
	struct engine_opts o;
	struct replay_result res;
	struct capfile *cf;
	char err[LH_ERRLEN], damage[LH_ERRLEN];
	size_t ntraces = 0;

	path = fuzz_file("replay", data, size);

	if ((cf = capfile_open(path, err, sizeof(err))) != NULL) {
		engine_opts_default(&o);
		o.file = path;
		/* emit never fails here, so neither may the replay */
		if (replay_capfile(cf, &o, emit_free, &ntraces, &res, damage,
		    sizeof(damage), err, sizeof(err)) != 0)
			abort();
		if (res.st.traces != ntraces)
			abort();
		capfile_close(cf);
	}
	unlink(path);
	return 0;
}
