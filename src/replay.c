/* replay.c: a saved capture through the engine, record by record. */
#include <string.h>

#include "replay.h"

int
replay_capfile(struct capfile *cf, const struct engine_opts *o,
    engine_emit_fn emit, void *arg, struct replay_result *res, char *damage,
    size_t damagelen, char *err, size_t errlen)
{
	struct engine *e;
	struct caprec rec;
	int rc;

	memset(res, 0, sizeof(*res));
	res->linktype = -1;
	if ((e = engine_new(o, emit, arg, err, errlen)) == NULL)
		return -1;
	if (damagelen > 0)
		damage[0] = '\0';
	while ((rc = capfile_next(cf, &rec, damage, damagelen)) == 1) {
		res->linktype = rec.linktype;
		if (engine_frame(e, rec.linktype, rec.ts_ns, rec.data,
		    rec.caplen, err, errlen) != 0) {
			engine_free(e);
			return -1;
		}
	}
	res->damaged = rc < 0;
	rc = engine_finish(e, err, errlen);
	res->st = *engine_stats(e);
	engine_free(e);
	return rc;
}
