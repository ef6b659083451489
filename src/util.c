/* util.c: the error-buffer convention and address formatting. */
#include <stdarg.h>
#include <stdio.h>
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
