/*
 * live.h: `lasthop trace`: send probes with libnet, capture with libpcap,
 * route with libdnet, match through the replay engine.
 */
#ifndef LH_LIVE_H
#define LH_LIVE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "probe.h"

struct live_opts {
	const struct probe_method *method;
	const char	*target;	/* as given */
	uint32_t	 dst;		/* resolved, host order */
	uint32_t	 src;		/* -s, 0 = from the route */
	const char	*ifname;	/* -i, NULL = from the route */
	int		 classic;
	uint8_t		 first_ttl, max_ttl;
	uint8_t		 probes_per_hop;
	uint8_t		 retries;	/* extra probes for a silent hop */
	uint8_t		 gap_limit;
	uint8_t		 window;	/* TTLs in flight */
	uint16_t	 port;		/* 0 = the method's default */
	uint16_t	 payload;
	uint32_t	 pps;		/* probes per second, 0 = unlimited */
	int64_t		 wait_ns;	/* longest wait for a reply */
	const char	*write_path;	/* capture to write, NULL = none */
	int		 dry_run;
	volatile sig_atomic_t *interrupted;	/* set by a SIGINT handler */
	/* Called about every 200 ms while probing (main prints progress). */
	void		(*progress)(void *arg, uint32_t sent, uint32_t answered,
			    int highest_ttl);
	void		*progress_arg;
};

struct live_result {
	uint64_t	sent;
	uint64_t	captured_probes;	/* of ours, seen on the wire */
	uint64_t	rejected;		/* forged or near-miss replies */
	uint64_t	orphans;
	char		ifname[32];
	uint32_t	src;
	int		interrupted;
};

/* Defaults for every option. */
void live_opts_default(struct live_opts *o);

/*
 * Resolve the route and open the raw socket and capture handle (needs
 * CAP_NET_RAW); then drop privileges.  Returns 0, or -1 with err, and
 * *exit_code set to the documented exit code.
 */
struct live;
struct live *live_open(const struct live_opts *o, int *exit_code, char *err,
    size_t errlen);

/*
 * Run the trace; each finished trace goes to emit (as from the replay
 * engine).  Returns 0 or -1 with err.
 */
int live_run(struct live *lv, engine_emit_fn emit, void *arg,
    struct live_result *res, char *err, size_t errlen);

void live_close(struct live *lv);

/* --dry-run: write the probes the trace would send to path, no socket. */
int live_dry_run(const struct live_opts *o, const char *path, uint64_t *nprobes,
    char *err, size_t errlen);

#endif
