/* proto.c: ICMP types and unreachable codes, in one table. */
#include <stdio.h>

#include "proto.h"

int
icmp_is_error(uint8_t type)
{
	return type == LH_ICMP_UNREACH || type == LH_ICMP_TIMXCEED ||
	    type == LH_ICMP_PARAMPROB || type == LH_ICMP_SOURCEQUENCH;
}

/*
 * Destination unreachable codes: RFC 792 (0-5), RFC 1122 (6-12), RFC 1812
 * (13-15).  The letters are traceroute's.
 */
static const struct {
	const char	*mark;
	const char	*text;
} unreach[] = {
	[0]  = { "!N", "network unreachable" },
	[1]  = { "!H", "host unreachable" },
	[2]  = { "!P", "protocol unreachable" },
	[3]  = { "",   "port unreachable" },
	[4]  = { "!F", "fragmentation needed" },
	[5]  = { "!S", "source route failed" },
	[6]  = { "!N", "destination network unknown" },
	[7]  = { "!H", "destination host unknown" },
	[8]  = { "!N", "source host isolated" },
	[9]  = { "!X", "network administratively prohibited" },
	[10] = { "!X", "host administratively prohibited" },
	[11] = { "!N", "network unreachable for the type of service" },
	[12] = { "!H", "host unreachable for the type of service" },
	[13] = { "!X", "administratively prohibited" },
	[14] = { "!V", "host precedence violation" },
	[15] = { "!C", "precedence cutoff in effect" },
};

const char *
icmp_unreach_mark(uint8_t code, char *buf, size_t buflen)
{
	if (code < sizeof(unreach) / sizeof(unreach[0]))
		return unreach[code].mark;
	snprintf(buf, buflen, "!<%u>", code);
	return buf;
}

const char *
icmp_unreach_text(uint8_t code)
{
	if (code < sizeof(unreach) / sizeof(unreach[0]))
		return unreach[code].text;
	return "unreachable (unknown code)";
}
