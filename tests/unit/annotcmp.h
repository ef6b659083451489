/*
 * annotcmp.h: two annotations of one address, field by field (for unit
 * tests; include after <cmocka.h> and "analysis.h").
 */
#ifndef LH_ANNOTCMP_H
#define LH_ANNOTCMP_H

/* A string field both may lack (NULL) or must have alike. */
static inline void
same_opt_string(const char *a, const char *b)
{
	assert_true((a == NULL) == (b == NULL));
	if (a != NULL)
		assert_string_equal(a, b);
}

/*
 * Everything but the matched prefix, which is compared only when
 * with_prefix is set (a JSON result keeps no prefix for an address
 * without a route).
 */
static inline void
same_annot(const struct annot *a, const struct annot *b, int with_prefix)
{
	assert_int_equal(a->addr, b->addr);
	assert_int_equal(a->asn, b->asn);
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->role, b->role);
	assert_int_equal(a->hinted, b->hinted);
	assert_string_equal(a->as_name, b->as_name);
	assert_string_equal(a->org, b->org);
	assert_string_equal(a->cc, b->cc);
	if (with_prefix) {
		assert_int_equal(a->prefix, b->prefix);
		assert_int_equal(a->len, b->len);
	}
	same_opt_string(a->note, b->note);
	same_opt_string(a->name, b->name);
}

#endif
