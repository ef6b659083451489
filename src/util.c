/* util.c: the error-buffer convention and address formatting. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <dumbnet.h>

#include "lh.h"

int
lh_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

const char *
lh_ip4_str(uint32_t addr, char *buf, size_t buflen)
{
	ip_addr_t a = htonl(addr);

	if (ip_ntop(&a, buf, buflen) == NULL)
		snprintf(buf, buflen, "?");
	return buf;
}

int
lh_parse_long(const char *s, long lo, long hi, const char *what, long *out,
    char *err, size_t errlen)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno == ERANGE || v < lo || v > hi)
		return lh_err(err, errlen, "%s: '%s' is not a whole number "
		    "from %ld to %ld", what, s, lo, hi);
	*out = v;
	return 0;
}

int
lh_parse_seconds(const char *s, double lo, double hi, const char *what,
    int64_t *out_ns, char *err, size_t errlen)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno == ERANGE || !isfinite(v) ||
	    v < lo || v > hi)
		return lh_err(err, errlen, "%s: '%s' is not a number of seconds "
		    "from %g to %g", what, s, lo, hi);
	*out_ns = (int64_t)llround(v * 1e9);
	return 0;
}

int
lh_parse_ip4(const char *s, const char *what, uint32_t *out, char *err,
    size_t errlen)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return lh_err(err, errlen, "%s: '%.64s' is not an IPv4 address",
		    what, s);
	*out = ntohl(a.s_addr);
	return 0;
}

int
lh_parse_prefix(const char *s, const char *what, uint32_t *net,
    uint32_t *mask, char *err, size_t errlen)
{
	char buf[LH_IP4_STRLEN + 4];
	const char *slash = strchr(s, '/');
	uint32_t addr = 0;
	long len = 32;
	size_t n = slash != NULL ? (size_t)(slash - s) : strlen(s);

	if (n >= LH_IP4_STRLEN) {
		return lh_err(err, errlen, "%s: '%.64s' is not an IPv4 address "
		    "or prefix", what, s);
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (lh_parse_ip4(buf, what, &addr, err, errlen) != 0)
		return -1;
	if (slash != NULL && lh_parse_long(slash + 1, 0, 32, what, &len, err,
	    errlen) != 0)
		return lh_err(err, errlen, "%s: '%.64s': the prefix length is "
		    "not a whole number from 0 to 32", what, s);
	*mask = len == 0 ? 0 : (uint32_t)(0xffffffffu << (32 - len));
	*net = addr & *mask;
	return 0;
}

int
lh_digits_u32(const char *s, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > max)
			return -1;
	}
	*out = (uint32_t)v;
	return 0;
}
