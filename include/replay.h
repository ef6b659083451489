/*
 * replay.h: a saved capture through the engine, record by record.  What
 * `lasthop replay`, --baseline and the tests share.
 */
#ifndef LH_REPLAY_H
#define LH_REPLAY_H

#include <stddef.h>

#include "capfile.h"
#include "engine.h"

struct replay_result {
	struct engine_stats	st;		/* the engine's counters */
	int			damaged;	/* the file broke part way */
	int			linktype;	/* of the last record read */
};

/*
 * Feed every record of cf to a new engine with options o and finish it;
 * every trace goes to emit.  Returns 0 (res->damaged set, and damage
 * saying where, when the file broke part way: the traces before the damage
 * were emitted) or -1 with err when emit or the engine failed.
 */
int replay_capfile(struct capfile *cf, const struct engine_opts *o,
    engine_emit_fn emit, void *arg, struct replay_result *res, char *damage,
    size_t damagelen, char *err, size_t errlen);

#endif
