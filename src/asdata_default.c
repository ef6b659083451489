/*
 * asdata_default.c: the embedded default dataset: what lasthop knows about
 * the address space around North Korea's links without any data file, plus
 * the special-purpose IPv4 ranges, AS names and hostname hints.
 *
 * Every row says where it comes from: "SOURCES §n" is a section of
 * doc/SOURCES.md, which gives each fact's public source and its confidence
 * ([V] verified, [R] reported, [U] uncertain); RFC rows follow the IANA
 * IPv4 special-purpose registry (RFC 6890, SOURCES §5).  Bump
 * ASMAP_DEFAULT_VERSION (asmap.h) when a row changes: results name it.
 * A researcher's routing data loaded later replaces these routes prefix by
 * prefix; the notes (inside / associated / private /
 * reserved) stay, because they describe the address space, not its routing.
 *
 * How a row is loaded: asn != 0 makes a route (flags STATIC, plus UNCERTAIN
 * if set); region flags (NK_INSIDE, NK_ASSOCIATED, PRIVATE, RESERVED) make a
 * note with the row's text; UNCERTAIN goes to the route if there is one,
 * else to the note.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "asmap.h"
#include "lh.h"

#define INSIDE	ASMAP_F_NK_INSIDE
#define ASSOC	ASMAP_F_NK_ASSOCIATED
#define PRIV	ASMAP_F_PRIVATE
#define RSVD	ASMAP_F_RESERVED
#define UNCERT	ASMAP_F_UNCERTAIN

static const struct default_prefix {
	const char *cidr;
	uint32_t asn;		/* 0: no route, only a note */
	uint16_t flags;
	const char *note;
} default_prefixes[] = {
	/* SOURCES §1 [V]: STAR-KP's allocation; the whole /22 is AS131279's */
	{ "175.45.176.0/22", 131279, INSIDE,
	  "Star Joint Venture (STAR-KP), Pyongyang: inside North Korea" },
	/* SOURCES §1 [V]: announced as four /24s */
	{ "175.45.176.0/24", 131279, INSIDE,
	  "STAR-KP /24 (kcna.kp, kptc.kp name servers): inside North Korea" },
	{ "175.45.177.0/24", 131279, INSIDE,
	  "STAR-KP /24: inside North Korea" },
	{ "175.45.178.0/24", 131279, INSIDE,
	  "STAR-KP /24: inside North Korea" },
	/* SOURCES §1 [U]: whether .179 is still announced is uncertain */
	{ "175.45.179.0/24", 131279, INSIDE | UNCERT,
	  "STAR-KP /24 (announcement uncertain): inside North Korea" },
	/* SOURCES §1 [R/U]: China Netcom block used by KPTC; origin unknown */
	{ "210.52.109.0/24", 0, ASSOC | UNCERT,
	  "DPRK-associated, foreign-registered (China Netcom block used by "
	  "KPTC): never proof of being inside North Korea" },
	/* SOURCES §1 [R/U]: Russian satellite provider (SatGate) block */
	{ "77.94.35.0/24", 0, ASSOC | UNCERT,
	  "DPRK-associated, foreign-registered (SatGate satellite block): "
	  "never proof of being inside North Korea" },

	/* SOURCES §3: China Unicom backbone, often missing from BGP tables: static */
	{ "219.158.0.0/16", 4837, 0, NULL },
	/* SOURCES §3: China Unicom AS9929 (CNCNET); not seen on the NK path */
	{ "218.105.0.0/16", 9929, 0, NULL },
	{ "210.51.0.0/16", 9929, 0, NULL },
	/* SOURCES §3 / §2 [V]: TransTeleCom, Russian upstream since 2017-10-01 */
	{ "188.43.0.0/16", 20485, 0, NULL },
	{ "217.150.32.0/19", 20485, 0, NULL },
	/* SOURCES §3 / §2 [U]: Rostelecom hop space; the sources name only the
	   covering /16s (87.226.x, 188.254.x, 95.167.x, 213.228.x); the real
	   prefix lengths are uncertain, so the routes are flagged UNCERTAIN */
	{ "87.226.0.0/16", 12389, UNCERT, NULL },
	{ "95.167.0.0/16", 12389, UNCERT, NULL },
	{ "188.254.0.0/16", 12389, UNCERT, NULL },
	{ "213.228.0.0/16", 12389, UNCERT, NULL },
	/* SOURCES §2 [U]: 103.35.255.254 (last hop on the China path) is NOT
	   assigned an AS: its owner is uncertain (neighbours are AS134544) */

	/* SOURCES §5, RFC 6890 special-purpose ranges: no AS */
	{ "0.0.0.0/8", 0, RSVD, "\"this network\" (RFC 791, RFC 6890)" },
	{ "10.0.0.0/8", 0, PRIV, "private (RFC 1918)" },
	{ "100.64.0.0/10", 0, PRIV, "shared address space, carrier NAT (RFC 6598)" },
	{ "127.0.0.0/8", 0, RSVD, "loopback (RFC 1122)" },
	{ "169.254.0.0/16", 0, RSVD, "link-local (RFC 3927)" },
	{ "172.16.0.0/12", 0, PRIV, "private (RFC 1918)" },
	{ "192.0.0.0/24", 0, RSVD, "IETF protocol assignments (RFC 6890)" },
	{ "192.0.2.0/24", 0, RSVD, "documentation TEST-NET-1 (RFC 5737)" },
	{ "192.88.99.0/24", 0, RSVD, "former 6to4 relay anycast (RFC 7526)" },
	{ "192.168.0.0/16", 0, PRIV, "private (RFC 1918)" },
	{ "198.18.0.0/15", 0, RSVD, "benchmarking (RFC 2544)" },
	{ "198.51.100.0/24", 0, RSVD, "documentation TEST-NET-2 (RFC 5737)" },
	{ "203.0.113.0/24", 0, RSVD, "documentation TEST-NET-3 (RFC 5737)" },
	{ "224.0.0.0/4", 0, RSVD, "multicast (RFC 5771)" },
	{ "240.0.0.0/4", 0, RSVD, "reserved, and limited broadcast (RFC 1112, "
	  "RFC 919)" },
};

static const struct default_name {
	uint32_t asn;
	const char *name;	/* AS name (handle), NULL if the sources give none */
	const char *org;
	const char *country;
} default_names[] = {
	/* SOURCES §1 [V] */
	{ 131279, "STAR-KP", "Star Joint Venture Co. Ltd", "KP" },
	/* SOURCES §3: "CHINA169-BACKBONE CHINA UNICOM China169 Backbone, CN" */
	{ 4837, "CHINA169-BACKBONE", "CHINA UNICOM China169 Backbone", "CN" },
	/* SOURCES §3: CNCNET; the sources give no country */
	{ 9929, "CNCNET", "China Unicom", NULL },
	/* SOURCES §3: China Unicom Global; the sources give no country */
	{ 10099, NULL, "China Unicom Global", NULL },
	/* SOURCES §3 */
	{ 20485, NULL, "TransTeleCom JSC", "RU" },
	/* SOURCES §3 */
	{ 12389, NULL, "PJSC Rostelecom", "RU" },
	/* SOURCES §2: neighbouring prefixes of 103.35.255.254; name only */
	{ 134544, NULL, "Cenbong", NULL },
	/* SOURCES §2 [V]: satellite upstream 2012-04 to 2013 */
	{ 22351, NULL, "Intelsat", NULL },
};

/* SOURCES §3: router naming; "*.kp" reverse names are inside North Korea (§1). */
static const struct default_hint {
	const char *suffix;	/* matches "<something>" + suffix */
	uint32_t asn;
	uint16_t flags;
} default_hints[] = {
	{ ".transtelecom.net", 20485, 0 },
	{ ".ip.rostelecom.ru", 12389, 0 },
	{ ".kp", 0, ASMAP_F_NK_INSIDE },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* "a.b.c.d/len" of the table above. */
static int
parse_cidr(const char *s, uint32_t *prefix, unsigned *len)
{
	char buf[32];
	const char *slash = strchr(s, '/');
	struct in_addr a;
	char *end;
	unsigned long l;

	if (slash == NULL || (size_t)(slash - s) >= sizeof(buf))
		return -1;
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = '\0';
	if (inet_pton(AF_INET, buf, &a) != 1)
		return -1;
	l = strtoul(slash + 1, &end, 10);
	if (*end != '\0' || end == slash + 1 || l > 32)
		return -1;
	*prefix = ntohl(a.s_addr);
	*len = (unsigned)l;
	return 0;
}

int
asmap_load_default(struct asmap *m, char *err, size_t errlen)
{
	struct asmap_batch *b = asmap_batch_new(m, ASMAP_SRC_STATIC);
	size_t i;

	if (b == NULL)
		return lh_err(err, errlen, "out of memory");
	for (i = 0; i < NELEM(default_prefixes); i++) {
		const struct default_prefix *d = &default_prefixes[i];
		uint16_t region = d->flags & ASMAP_F_REGION_MASK;
		uint16_t uncertain = d->flags & ASMAP_F_UNCERTAIN;
		uint32_t prefix;
		unsigned len;

		if (parse_cidr(d->cidr, &prefix, &len) < 0) {
			asmap_batch_abort(b);
			return lh_err(err, errlen, "embedded dataset: bad prefix %s",
			    d->cidr);
		}
		if (d->asn != 0) {
			struct asmap_route r;

			memset(&r, 0, sizeof(r));
			r.prefix = prefix;
			r.len = (uint8_t)len;
			r.asn = d->asn;
			r.flags = ASMAP_F_STATIC | uncertain;
			if (asmap_batch_route(b, &r, err, errlen) < 0)
				goto fail;
		}
		if ((region != 0 || d->asn == 0) &&
		    asmap_batch_note(b, prefix, len,
		    (uint16_t)(region | (d->asn == 0 ? uncertain : 0)),
		    d->note, err, errlen) < 0)
			goto fail;
	}
	for (i = 0; i < NELEM(default_names); i++) {
		const struct default_name *d = &default_names[i];

		if (asmap_batch_asinfo(b, d->asn, d->name, NULL, d->org,
		    d->country, err, errlen) < 0)
			goto fail;
	}
	if (asmap_add_layer(m, "embedded", ASMAP_DEFAULT_NAME,
	    ASMAP_DEFAULT_VERSION, NULL, err, errlen) != 0)
		goto fail;
	if (asmap_batch_commit(b, err, errlen) != 0) {
		asmap_drop_layer(m);
		return -1;
	}
	return 0;
fail:
	asmap_batch_abort(b);
	return -1;
}

int
asmap_hostname_hint(const char *name, uint32_t *asn, uint16_t *flags)
{
	size_t n, i;

	*asn = 0;
	*flags = 0;
	if (name == NULL)
		return 0;
	n = strlen(name);
	if (n > 0 && name[n - 1] == '.')
		n--;
	for (i = 0; i < NELEM(default_hints); i++) {
		const char *sfx = default_hints[i].suffix;
		size_t k = strlen(sfx);

		/* at least one character before the suffix */
		if (n > k && strncasecmp(name + n - k, sfx, k) == 0) {
			*asn = default_hints[i].asn;
			*flags = default_hints[i].flags;
			return 1;
		}
	}
	return 0;
}
