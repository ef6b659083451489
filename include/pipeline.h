/*
 * pipeline.h: a second thread that takes finished traces, in order.
 *
 * The engine emits each trace as soon as it is complete and hands it over
 * (struct trace is owned by whoever receives it).  What happens next,
 * annotation, the verdict and the writers, needs nothing from the engine,
 * so `lasthop replay` runs it on a worker thread while the main thread goes
 * on reading, decoding and matching the capture.
 *
 * One worker, one FIFO: traces are handled in the order they were put, so
 * the output is the same, byte for byte, as with no pipeline.  The queue is
 * bounded (a full queue makes pipeline_put() wait), so memory stays flat.
 * The worker's function runs only on the worker; when it fails, the worker
 * frees what is still queued without handling it and the failure, with its
 * message, comes back from the next pipeline_put() or pipeline_drain().
 */
#ifndef LH_PIPELINE_H
#define LH_PIPELINE_H

#include <stddef.h>

#include "model.h"

/* Handle (and free) one trace; 0, or -1 with err. */
typedef int (*pipeline_fn)(void *arg, struct trace *t, char *err,
    size_t errlen);

struct pipeline;

/* Start the worker; depth (1..4096) traces may wait in the queue. */
struct pipeline *pipeline_new(pipeline_fn fn, void *arg, size_t depth,
    char *err, size_t errlen);

/*
 * Queue t for the worker, which then owns it (also on failure: t is freed).
 * Returns -1 with the worker's message once the worker has failed.
 */
int pipeline_put(struct pipeline *pl, struct trace *t, char *err,
    size_t errlen);

/* Wait until the worker has handled everything put so far; as above. */
int pipeline_drain(struct pipeline *pl, char *err, size_t errlen);

/* Stop the worker (after what is queued is handled or, failed, freed). */
void pipeline_free(struct pipeline *pl);

/* CPUs this process may run on (its affinity mask), at least 1. */
int pipeline_cpus(void);

/* An engine_emit_fn that puts each trace into the pipeline given as arg. */
int pipeline_emit(void *arg, struct trace *t, char *err, size_t errlen);

#endif
