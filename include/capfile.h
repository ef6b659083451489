/*
 * capfile.h: read a saved capture (pcap or pcapng), record by record.
 *
 * libpcap reads the file when it can.  Where libpcap refuses a valid pcapng
 * (interfaces with different link types, for one) a bounded pcapng reader of
 * our own takes over, so every record carries its own link type.
 */
#ifndef LH_CAPFILE_H
#define LH_CAPFILE_H

#include <stddef.h>
#include <stdint.h>

struct capfile;

struct caprec {
	int		 linktype;	/* DLT_* value as pcap_datalink() gives it */
	int64_t		 ts_ns;		/* capture time, nanoseconds since the epoch */
	uint32_t	 caplen;	/* bytes present in data */
	uint32_t	 wirelen;	/* bytes on the wire */
	const uint8_t	*data;		/* valid until the next capfile_next() */
	uint64_t	 index;		/* 1-based record number in the file */
};

/*
 * Open path.  Returns NULL and fills err (naming the file and the problem)
 * when the file is missing, unreadable or not a capture.
 */
struct capfile *capfile_open(const char *path, char *err, size_t errlen);

/*
 * Read the next record.  Returns 1 with rec filled, 0 at a clean end of
 * file, -1 when the file is damaged (truncated record, impossible length):
 * err then names the file and the record number, and the records already
 * returned stay valid results.
 */
int capfile_next(struct capfile *cf, struct caprec *rec, char *err, size_t errlen);

/*
 * Keep only the records that pass a pcap filter expression (tcpdump's
 * syntax, pcap-filter(7)), compiled for each record's link type as records
 * of it come; a record of a link type it does not compile for passes
 * none.  -1 with err (naming the file) when it does not compile for the
 * file's first link type.
 */
int capfile_set_filter(struct capfile *cf, const char *expr, char *err,
    size_t errlen);

/* Records the filter has dropped so far. */
uint64_t capfile_filtered(const struct capfile *cf);

/* Which reader serves the file: "libpcap" or "pcapng". */
const char *capfile_reader(const struct capfile *cf);

void capfile_close(struct capfile *cf);

#endif /* LH_CAPFILE_H */
