/*
 * fuzz_jsonin.c: libFuzzer target for the JSON result reader (jsonin.c),
 * the input of `lasthop diagram RESULT.json` and `--baseline RESULT.json`.
 *
 * Every input is read; a rejected one must leave an error message and
 * nothing allocated.  An accepted one must satisfy the model's invariants
 * (hops in rising TTL order inside the probe array, annotations sorted)
 * and survive every writer that does not lay out a graph (text, json,
 * term in both modes, dot); what the json writer writes must read back
 * and write again to the same bytes.  Seeds: fuzz/corpus/fuzz_jsonin/.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "diagram.h"
#include "jsonin.h"
#include "lh.h"
#include "output.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_model(const struct trace *t)
{
	size_t h, i;
	int prev = 0;

	if (t->nhops > 255 || t->nprobes > ENGINE_MAX_PROBES)
		abort();
	for (h = 0; h < t->nhops; h++) {
		if (t->hops[h].ttl <= prev || t->hops[h].n == 0 ||
		    t->hops[h].first + t->hops[h].n > t->nprobes)
			abort();
		prev = t->hops[h].ttl;
		for (i = 0; i < t->hops[h].n; i++)
			if (t->probes[t->hops[h].first + i].ttl != prev)
				abort();
	}
	if (t->an == NULL)
		return;
	for (i = 1; i < t->an->nannots; i++)
		if (t->an->annots[i - 1].addr >= t->an->annots[i].addr)
			abort();
	if (t->an->nupstreams > AN_MAX_UPSTREAMS ||
	    t->an->nborders > AN_MAX_BORDERS || t->an->v.nloop > V_LOOP_MAX ||
	    strlen(t->an->v.net.name) >= sizeof(t->an->v.net.name))
		abort();
}

/* Everything writer ops writes for r's traces; NULL-terminated buffer. */
static char *
write_all(const struct writer_ops *ops, const struct jsonin *r, int color,
    int ascii, size_t *len)
{
	struct writer w;
	char err[LH_ERRLEN], *buf = NULL;
	size_t i, sz = 0;
	FILE *fp = open_memstream(&buf, &sz);

	if (fp == NULL)
		abort();
	memset(&w, 0, sizeof(w));
	w.ops = ops;
	w.fp = fp;
	if (diagram_term_config(&w, color, ascii, err, sizeof(err)) != 0 ||
	    ops->begin(&w, err, sizeof(err)) != 0)
		abort();
	for (i = 0; i < r->ntraces; i++)
		if (ops->trace(&w, r->traces[i], err, sizeof(err)) != 0)
			abort();
	if (ops->end(&w, err, sizeof(err)) != 0)
		abort();
	ops->free(&w);
	if (fclose(fp) != 0)
		abort();
	if (len != NULL)
		*len = sz;
	return buf;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jsonin *r, *r2;
	char err[LH_ERRLEN], *j1, *j2, *out;
	size_t i, len;

	err[0] = '\0';
	r = jsonin_load_buffer(data, size, "fuzz.json", err, sizeof(err));
	if (r == NULL) {
		if (strncmp(err, "fuzz.json", 9) != 0)
			abort();	/* every error names the file */
		return 0;
	}
	for (i = 0; i < r->ntraces; i++)
		check_model(r->traces[i]);

	free(write_all(writer_find("text"), r, 0, 0, NULL));
	free(write_all(&diagram_term_ops, r, 1, 0, NULL));
	out = write_all(&diagram_term_ops, r, 0, 1, NULL);
	for (i = 0; out[i] != '\0'; i++)	/* ASCII mode: nothing else */
		if ((unsigned char)out[i] >= 0x80 || out[i] == '\033')
			abort();
	free(out);
	free(write_all(&diagram_dot_ops, r, 0, 0, NULL));

	/* What lasthop writes, lasthop reads, to the same bytes. */
	j1 = write_all(writer_find("json"), r, 0, 0, &len);
	r2 = jsonin_load_buffer(j1, len, "again.json", err, sizeof(err));
	if (r2 == NULL) {
		fprintf(stderr, "written JSON rejected: %s\n", err);
		abort();
	}
	j2 = write_all(writer_find("json"), r2, 0, 0, NULL);
	if (strcmp(j1, j2) != 0)
		abort();
	free(j1);
	free(j2);
	jsonin_free(r2);
	jsonin_free(r);
	return 0;
}
