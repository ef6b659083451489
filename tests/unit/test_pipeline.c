/*
 * test_pipeline.c: the replay worker thread.  Traces come out in the order
 * they went in, a drain waits for all of them, a failure of the worker's
 * function comes back to the producer with its message, and no trace is
 * leaked on any path (ASan's leak check runs over this in check-asan).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lh.h"
#include "model.h"
#include "pipeline.h"

#define NTRACES	5000

/* What the worker saw: the src field of each trace, in order. */
struct seen {
	uint32_t	 order[NTRACES];
	size_t		 n;
	size_t		 fail_at;	/* fail on the trace with this src; 0: never */
	int		 slow;		/* sleep a little per trace */
};

static int
record(void *arg, struct trace *t, char *err, size_t errlen)
{
	struct seen *s = arg;
	uint32_t src = t->src;

	if (s->slow) {
		struct timespec ts = { 0, 20000 };	/* 20 us */

		nanosleep(&ts, NULL);
	}
	trace_free(t);
	if (s->fail_at != 0 && src == s->fail_at)
		return lh_err(err, errlen, "writer failed at trace %u", src);
	if (s->n < NTRACES)
		s->order[s->n++] = src;
	return 0;
}

static struct trace *
mk(uint32_t i)
{
	struct trace *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->src = i;
	t->probes = malloc(16);		/* something for trace_free() to free */
	assert_non_null(t->probes);
	return t;
}

/* A pipeline into a cleared s, which fails at trace fail_at (0: never). */
static struct pipeline *
start(struct seen *s, int slow, uint32_t fail_at, size_t depth)
{
	char err[LH_ERRLEN];
	struct pipeline *pl;

	memset(s, 0, sizeof(*s));
	s->slow = slow;
	s->fail_at = fail_at;
	pl = pipeline_new(record, s, depth, err, sizeof(err));
	assert_non_null(pl);
	return pl;
}

static void
put_all(struct pipeline *pl, uint32_t n)
{
	char err[LH_ERRLEN];
	uint32_t i;

	for (i = 1; i <= n; i++)
		assert_int_equal(pipeline_put(pl, mk(i), err, sizeof(err)), 0);
}

/* Every trace, in order, through a queue far smaller than the stream. */
static void
test_order(void **state)
{
	static struct seen s;
	char err[LH_ERRLEN];
	struct pipeline *pl;
	size_t i;

	(void)state;
	pl = start(&s, 0, 0, 8);
	put_all(pl, NTRACES);
	assert_int_equal(pipeline_drain(pl, err, sizeof(err)), 0);
	assert_int_equal(s.n, NTRACES);
	for (i = 0; i < NTRACES; i++)
		assert_int_equal(s.order[i], i + 1);
	pipeline_free(pl);
}

/*
 * Fewer traces than the wake-up batch: a drain must still get them done,
 * and a second round after it works the same way.
 */
static void
test_drain_small(void **state)
{
	static struct seen s;
	char err[LH_ERRLEN];
	struct pipeline *pl;

	(void)state;
	pl = start(&s, 1, 0, 64);
	put_all(pl, 3);
	assert_int_equal(pipeline_drain(pl, err, sizeof(err)), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(pipeline_drain(pl, err, sizeof(err)), 0);	/* idle */
	assert_int_equal(pipeline_put(pl, mk(4), err, sizeof(err)), 0);
	assert_int_equal(pipeline_drain(pl, err, sizeof(err)), 0);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.order[3], 4);
	pipeline_free(pl);
}

/* The worker fails: its message reaches the producer; nothing leaks. */
static void
test_failure(void **state)
{
	static struct seen s;
	char err[LH_ERRLEN];
	struct pipeline *pl;
	uint32_t i;
	int rc = 0;

	(void)state;
	pl = start(&s, 0, 100, 4);
	for (i = 1; i <= 1000 && rc == 0; i++)
		rc = pipeline_put(pl, mk(i), err, sizeof(err));
	if (rc == 0)	/* the failure may not have been seen yet */
		rc = pipeline_drain(pl, err, sizeof(err));
	assert_int_equal(rc, -1);
	assert_string_equal(err, "writer failed at trace 100");
	/* Nothing after the failing trace was handled. */
	assert_int_equal(s.n, 99);
	assert_int_equal(s.order[98], 99);
	/* It stays failed, and still takes (frees) what it is given. */
	assert_int_equal(pipeline_put(pl, mk(5000), err, sizeof(err)), -1);
	assert_int_equal(pipeline_drain(pl, err, sizeof(err)), -1);
	assert_string_equal(err, "writer failed at trace 100");
	pipeline_free(pl);
}

/* Freed with traces still queued: they are handled first. */
static void
test_free_busy(void **state)
{
	static struct seen s;
	struct pipeline *pl;

	(void)state;
	pl = start(&s, 1, 0, 32);
	put_all(pl, 40);
	pipeline_free(pl);
	assert_int_equal(s.n, 40);
	assert_int_equal(s.order[39], 40);
}

static void
test_bad_depth(void **state)
{
	static struct seen s;
	char err[LH_ERRLEN];

	(void)state;
	assert_null(pipeline_new(record, &s, 0, err, sizeof(err)));
	assert_non_null(strstr(err, "depth 0"));
	assert_null(pipeline_new(record, &s, 100000, err, sizeof(err)));
	pipeline_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_drain_small),
		cmocka_unit_test(test_failure),
		cmocka_unit_test(test_free_busy),
		cmocka_unit_test(test_bad_depth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
