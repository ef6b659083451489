/*
 * replay.c: a saved capture through the engine, record by record.
 *
 * Packets are decoded two records ahead of the one fed to the engine, and
 * the engine is told what each will need meanwhile (engine_prefetch()), so
 * that its waits for memory overlap with the work on the packets before.
 */
#include <string.h>

#include "replay.h"

#define AHEAD	4		/* packets decoded before the one fed */
#define HINT2	2		/* the second hint this many packets ahead */
#define RING	8		/* a power of two above AHEAD */

int
replay_capfile(struct capfile *cf, const struct engine_opts *o,
    engine_emit_fn emit, void *arg, struct replay_result *res, char *damage,
    size_t damagelen, char *err, size_t errlen)
{
	struct engine *e;
	struct caprec rec;
	struct pkt q[RING];		/* q[fed % RING] is fed next */
	size_t fed = 0, have = 0, i;
	int rc;

	memset(res, 0, sizeof(*res));
	res->linktype = -1;
	if ((e = engine_new(o, emit, arg, err, errlen)) == NULL)
		return -1;
	if (damagelen > 0)
		damage[0] = '\0';
	rc = 1;
	for (;;) {
		if (rc == 1) {
			rc = capfile_next(cf, &rec, damage, damagelen);
			if (rc == 1) {
				res->linktype = rec.linktype;
				if (engine_decode(e, rec.linktype, rec.ts_ns,
				    rec.data, rec.caplen,
				    &q[have & (RING - 1)]) != 1)
					continue;
				engine_prefetch(e, &q[have & (RING - 1)], 0);
				if (++have - fed <= AHEAD)
					continue;
			}
		}
		if (fed == have)
			break;
		/* feed the oldest; the next one gets its second hint */
		i = fed & (RING - 1);
		if (engine_pkt(e, &q[i], err, errlen) != 0) {
			engine_free(e);
			return -1;
		}
		if (++fed + HINT2 - 1 < have)
			engine_prefetch(e, &q[(fed + HINT2 - 1) & (RING - 1)],
			    1);
	}
	res->damaged = rc < 0;
	rc = engine_finish(e, err, errlen);
	res->st = *engine_stats(e);
	engine_free(e);
	return rc;
}
