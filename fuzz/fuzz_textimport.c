/*
 * fuzz_textimport.c: libFuzzer target for the traceroute text importer.
 * The input is read as a file (fmemopen); a failed import must leave a
 * message and no result; a successful one must hold only consistent
 * traces (TTLs in range and in order, synthetic clock increasing, hops
 * covering the probes, replies counted, names sorted and unique).
 * textimport_sniff runs on the same bytes.  Seeds: the samples of
 * tests/textimport/ and malformed pastes, in fuzz/corpus/fuzz_textimport/.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lh.h"
#include "model.h"
#include "textimport.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_trace(const struct textimport *ti, size_t i)
{
	const struct trace *t = ti->traces[i];
	const struct ti_meta *m = &ti->meta[i];
	uint64_t replies = 0, covered = 0;
	size_t k, h;

	if (t->nprobes == 0 || t->file != ti->file || m->target == NULL)
		abort();
	for (k = 0; k < t->nprobes; k++) {
		const struct probe *p = &t->probes[k];

		if (p->ttl == 0 || p->nmpls > PROBE_MAX_MPLS ||
		    p->rx_ns < p->tx_ns || p->rx_ns - p->tx_ns >
		    (int64_t)TI_RTT_MAX_MS * 1000000)
			abort();
		if (k > 0 && (p->ttl < t->probes[k - 1].ttl ||
		    p->tx_ns <= t->probes[k - 1].tx_ns))
			abort();
		if (p->rkind != RK_NONE)
			replies++;
		else if (p->raddr != 0)
			abort();
		(void)textimport_name(ti, i, p->raddr);
	}
	if (replies != t->replies || t->first_ns != t->probes[0].tx_ns)
		abort();
	for (h = 0; h < t->nhops; h++) {
		const struct hop *hp = &t->hops[h];

		if (hp->n == 0 || hp->first + hp->n > t->nprobes ||
		    (h > 0 && hp->ttl <= t->hops[h - 1].ttl))
			abort();
		for (k = 0; k < hp->n; k++)
			if (t->probes[hp->first + k].ttl != hp->ttl)
				abort();
		covered += hp->n;
	}
	if (covered + t->past_dst != t->nprobes)
		abort();
	for (k = 0; k < m->nnames; k++) {
		if (m->names[k].name == NULL ||
		    strlen(m->names[k].name) > TI_MAX_NAME ||
		    (k > 0 && m->names[k].addr <= m->names[k - 1].addr))
			abort();
		if (textimport_name(ti, i, m->names[k].addr) != m->names[k].name)
			abort();
	}
	if (textimport_format_name(m->format)[0] == 'u')	/* "unknown" */
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct textimport *ti = NULL;
	char err[LH_ERRLEN];
	char *buf;
	FILE *fp;
	size_t i;

	if (size == 0 || size > 1 << 18)
		return 0;
	(void)textimport_sniff(data, size);
	if ((buf = malloc(size)) == NULL)
		abort();
	memcpy(buf, data, size);
	if ((fp = fmemopen(buf, size, "r")) == NULL)
		abort();
	err[0] = '\0';
	if (textimport_read(fp, "fuzz", NULL, &ti, err, sizeof(err)) != 0) {
		if (ti != NULL || strncmp(err, "fuzz", 4) != 0)
			abort();
	} else {
		if (ti == NULL || ti->ntraces == 0 ||
		    ti->ntraces > TI_MAX_TRACES)
			abort();
		for (i = 0; i < ti->ntraces; i++)
			check_trace(ti, i);
		textimport_free(ti);
	}
	fclose(fp);
	free(buf);
	return 0;
}
