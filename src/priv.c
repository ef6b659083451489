/*
 * priv.c: drop groups, gid and uid, clear capabilities, verify.
 * The order matters: groups and gid while we still may, uid last.
 */
#define _GNU_SOURCE	/* setresuid, getresuid */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cap-ng.h>

#include "lh.h"
#include "priv.h"

static int
env_id(const char *name, unsigned long *out)
{
	const char *s = getenv(name);
	char *end;
	unsigned long v;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || errno != 0 || v == 0 || v > 0x7fffffffUL)
		return -1;
	*out = v;
	return 0;
}

/* Whom to become. */
static int
target_ids(uid_t *uid, gid_t *gid, char *err, size_t errlen)
{
	unsigned long u, g;
	struct passwd *pw;

	if (env_id("SUDO_UID", &u) == 0 && env_id("SUDO_GID", &g) == 0) {
		*uid = (uid_t)u;
		*gid = (gid_t)g;
		return 0;
	}
	if (getuid() != 0) {
		*uid = getuid();
		*gid = getgid();
		return 0;
	}
	if ((pw = getpwnam("nobody")) == NULL)
		return lh_err(err, errlen, "dropping privileges: no user 'nobody'");
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

int
priv_drop(char *err, size_t errlen)
{
	uid_t uid = 0, ru, eu, su;
	gid_t gid = 0, rg, eg, sg;

	if (target_ids(&uid, &gid, err, errlen) != 0)
		return -1;
	if (geteuid() == 0) {
		if (setgroups(1, &gid) != 0)
			return lh_err(err, errlen, "setgroups: %s", strerror(errno));
		if (setresgid(gid, gid, gid) != 0)
			return lh_err(err, errlen, "setresgid(%lu): %s",
			    (unsigned long)gid, strerror(errno));
		if (setresuid(uid, uid, uid) != 0)
			return lh_err(err, errlen, "setresuid(%lu): %s",
			    (unsigned long)uid, strerror(errno));
	}
	/* A setcap binary run by a user keeps its uid; only capabilities go. */
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_apply(CAPNG_SELECT_BOTH) != 0)
		return lh_err(err, errlen, "clearing capabilities failed");
	(void)prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);

	/* Verify: every id changed, no way back to root, no capability left. */
	if (getresuid(&ru, &eu, &su) != 0 || getresgid(&rg, &eg, &sg) != 0)
		return lh_err(err, errlen, "verifying the drop: %s",
		    strerror(errno));
	if (ru != uid || eu != uid || su != uid || rg != gid || eg != gid ||
	    sg != gid)
		return lh_err(err, errlen, "privileges were not fully dropped");
	if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
		return lh_err(err, errlen, "could regain root after the drop");
	if (priv_is_privileged() && uid != 0)
		return lh_err(err, errlen, "capabilities remain after the drop");
	return 0;
}

int
priv_is_privileged(void)
{
	capng_clear(CAPNG_SELECT_BOTH);	/* forget any cached state */
	if (capng_get_caps_process() != 0)
		return 1;
	return geteuid() == 0 ||
	    capng_have_capabilities(CAPNG_SELECT_CAPS) != CAPNG_NONE;
}
