/*
 * pipeline.c: one worker thread and a bounded FIFO of finished traces.
 *
 * The lock guards the queue and the flags only; the worker's function runs
 * unlocked, on one trace at a time, so the producer can queue the next
 * trace meanwhile.  Everything the function touches (the writer, the AS
 * data, the name cache) is touched by the worker alone until
 * pipeline_drain() returns, and the mutex orders those accesses with the
 * main thread's before and after.
 */
#define _GNU_SOURCE		/* sched_getaffinity(), CPU_COUNT() */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lh.h"
#include "pipeline.h"

#define PIPELINE_DEPTH_MAX	4096

/*
 * The worker is woken when this many traces wait (or on a drain or stop),
 * not for every one, and takes up to this many under one lock: a wake-up
 * is a system call (and, in a virtual machine, an interrupt between
 * CPUs), and the worker, faster than the producer, would otherwise sleep
 * and be woken once per trace.
 */
#define PIPELINE_BATCH		64

struct pipeline {
	pthread_mutex_t	  mu;
	pthread_cond_t	  can_take;	/* a trace is queued, or stop is set */
	pthread_cond_t	  can_put;	/* the queue has room, or the worker failed */
	pthread_cond_t	  idle;		/* the queue is empty and the worker idle */
	pthread_t	  thread;
	pipeline_fn	  fn;
	void		 *arg;
	struct trace	**q;		/* ring of cap entries */
	size_t		  cap, head, len;
	size_t		  batch;	/* wake the worker at this many */
	int		  flush;	/* a drain waits: take what there is */
	int		  busy;		/* the worker holds a batch */
	int		  stop;		/* pipeline_free(): finish and exit */
	int		  failed;	/* fn failed once: err says why */
	char		  err[LH_ERRLEN];
};

static void *
worker(void *arg)
{
	struct pipeline *pl = arg;
	struct trace *batch[PIPELINE_BATCH];
	char msg[LH_ERRLEN];
	size_t i, n;
	int rc, failed;

	pthread_mutex_lock(&pl->mu);
	for (;;) {
		while (pl->len == 0 ||
		    (pl->len < pl->batch && !pl->flush && !pl->stop)) {
			if (pl->len == 0 && pl->stop)
				goto out;	/* stop, and nothing left */
			pthread_cond_wait(&pl->can_take, &pl->mu);
		}
		/* A batch at a time: the lock is taken twice per batch. */
		for (n = 0; n < PIPELINE_BATCH && pl->len > 0; n++) {
			batch[n] = pl->q[pl->head];
			pl->q[pl->head] = NULL;
			pl->head = (pl->head + 1) % pl->cap;
			pl->len--;
		}
		pl->busy = 1;
		failed = pl->failed;
		pthread_cond_signal(&pl->can_put);
		pthread_mutex_unlock(&pl->mu);

		rc = 0;
		for (i = 0; i < n; i++) {
			if (failed || rc != 0) {
				/* After a failure: dropped, not handled. */
				trace_free(batch[i]);
				continue;
			}
			msg[0] = '\0';
			rc = pl->fn(pl->arg, batch[i], msg, sizeof(msg));
		}

		pthread_mutex_lock(&pl->mu);
		if (rc != 0 && !pl->failed) {
			pl->failed = 1;
			memcpy(pl->err, msg, sizeof(pl->err));
			pl->err[sizeof(pl->err) - 1] = '\0';
			pthread_cond_broadcast(&pl->can_put);
		}
		pl->busy = 0;
		if (pl->len == 0)
			pthread_cond_broadcast(&pl->idle);
	}
out:
	pthread_mutex_unlock(&pl->mu);
	return NULL;
}

/* Free what pipeline_new() made (the worker has exited, or never ran). */
static void
destroy(struct pipeline *pl)
{
	pthread_cond_destroy(&pl->idle);
	pthread_cond_destroy(&pl->can_put);
	pthread_cond_destroy(&pl->can_take);
	pthread_mutex_destroy(&pl->mu);
	free(pl->q);
	free(pl);
}

struct pipeline *
pipeline_new(pipeline_fn fn, void *arg, size_t depth, char *err, size_t errlen)
{
	struct pipeline *pl;
	int rc;

	if (depth < 1 || depth > PIPELINE_DEPTH_MAX) {
		lh_err(err, errlen, "pipeline depth %zu is not in 1..%d", depth,
		    PIPELINE_DEPTH_MAX);
		return NULL;
	}
	if ((pl = calloc(1, sizeof(*pl))) == NULL ||
	    (pl->q = calloc(depth, sizeof(*pl->q))) == NULL) {
		free(pl);
		lh_err(err, errlen, "out of memory");
		return NULL;
	}
	pl->cap = depth;
	pl->batch = depth < PIPELINE_BATCH ? depth : PIPELINE_BATCH;
	pl->fn = fn;
	pl->arg = arg;
	pthread_mutex_init(&pl->mu, NULL);
	pthread_cond_init(&pl->can_take, NULL);
	pthread_cond_init(&pl->can_put, NULL);
	pthread_cond_init(&pl->idle, NULL);
	if ((rc = pthread_create(&pl->thread, NULL, worker, pl)) != 0) {
		destroy(pl);
		lh_err(err, errlen, "cannot start a worker thread: %s",
		    strerror(rc));
		return NULL;
	}
	return pl;
}

int
pipeline_put(struct pipeline *pl, struct trace *t, char *err, size_t errlen)
{
	pthread_mutex_lock(&pl->mu);
	while (pl->len == pl->cap && !pl->failed)
		pthread_cond_wait(&pl->can_put, &pl->mu);
	if (pl->failed) {
		lh_err(err, errlen, "%s", pl->err);
		pthread_mutex_unlock(&pl->mu);
		trace_free(t);
		return -1;
	}
	pl->q[(pl->head + pl->len) % pl->cap] = t;
	pl->len++;
	if (pl->len == pl->batch)
		pthread_cond_signal(&pl->can_take);
	pthread_mutex_unlock(&pl->mu);
	return 0;
}

int
pipeline_drain(struct pipeline *pl, char *err, size_t errlen)
{
	int rc = 0;

	pthread_mutex_lock(&pl->mu);
	pl->flush = 1;
	pthread_cond_signal(&pl->can_take);
	while (pl->len > 0 || pl->busy)
		pthread_cond_wait(&pl->idle, &pl->mu);
	pl->flush = 0;
	if (pl->failed)
		rc = lh_err(err, errlen, "%s", pl->err);
	pthread_mutex_unlock(&pl->mu);
	return rc;
}

void
pipeline_free(struct pipeline *pl)
{
	if (pl == NULL)
		return;
	pthread_mutex_lock(&pl->mu);
	pl->stop = 1;
	pthread_cond_signal(&pl->can_take);
	pthread_mutex_unlock(&pl->mu);
	pthread_join(pl->thread, NULL);	/* it empties the queue first */
	destroy(pl);
}

int
pipeline_emit(void *arg, struct trace *t, char *err, size_t errlen)
{
	return pipeline_put(arg, t, err, errlen);
}

int
pipeline_cpus(void)
{
	cpu_set_t set;
	long n;

	CPU_ZERO(&set);
	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		return CPU_COUNT(&set);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 && n < 1024 ? (int)n : 1;
}
