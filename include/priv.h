/* priv.h: giving up privileges once the raw handles are open. */
#ifndef LH_PRIV_H
#define LH_PRIV_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Drop to the invoking user (SUDO_UID/SUDO_GID when run through sudo, else
 * the real uid, else "nobody" when the real uid is root), clear the
 * supplementary groups and every capability, then verify the drop.
 * Returns 0, or -1 with err filled; the caller must then exit.
 */
int priv_drop(char *err, size_t errlen);

/* Whether the process still holds root or any capability. */
int priv_is_privileged(void);

#endif
