/*
 * cursor.h: bounds-checked reads of untrusted packet bytes.
 *
 * Every byte that came from the network or a file is read through a cursor.
 * A cursor is a [pos, end) window; each accessor checks the remaining length
 * first and fails (returns -1) without reading past end.  A quoted inner
 * packet is read through a sub-cursor whose end is narrower than its parent's.
 */
#ifndef LH_CURSOR_H
#define LH_CURSOR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct cursor {
	const uint8_t *pos;
	const uint8_t *end;
};

static inline void
cur_init(struct cursor *c, const uint8_t *buf, size_t len)
{
	c->pos = buf;
	c->end = buf + len;
}

static inline size_t
cur_left(const struct cursor *c)
{
	return (size_t)(c->end - c->pos);
}

static inline int
cur_skip(struct cursor *c, size_t n)
{
	if (cur_left(c) < n)
		return -1;
	c->pos += n;
	return 0;
}

static inline int
cur_u8(struct cursor *c, uint8_t *v)
{
	if (cur_left(c) < 1)
		return -1;
	*v = c->pos[0];
	c->pos += 1;
	return 0;
}

static inline int
cur_be16(struct cursor *c, uint16_t *v)
{
	if (cur_left(c) < 2)
		return -1;
	*v = (uint16_t)((unsigned)c->pos[0] << 8 | c->pos[1]);
	c->pos += 2;
	return 0;
}

static inline int
cur_be32(struct cursor *c, uint32_t *v)
{
	if (cur_left(c) < 4)
		return -1;
	*v = (uint32_t)c->pos[0] << 24 | (uint32_t)c->pos[1] << 16 |
	    (uint32_t)c->pos[2] << 8 | c->pos[3];
	c->pos += 4;
	return 0;
}

static inline int
cur_le16(struct cursor *c, uint16_t *v)
{
	if (cur_left(c) < 2)
		return -1;
	*v = (uint16_t)((unsigned)c->pos[1] << 8 | c->pos[0]);
	c->pos += 2;
	return 0;
}

static inline int
cur_le32(struct cursor *c, uint32_t *v)
{
	if (cur_left(c) < 4)
		return -1;
	*v = (uint32_t)c->pos[3] << 24 | (uint32_t)c->pos[2] << 16 |
	    (uint32_t)c->pos[1] << 8 | c->pos[0];
	c->pos += 4;
	return 0;
}

/* Look at the byte off bytes ahead without moving. */
static inline int
cur_peek_u8(const struct cursor *c, size_t off, uint8_t *v)
{
	if (cur_left(c) <= off)
		return -1;
	*v = c->pos[off];
	return 0;
}

/* Copy n bytes out; fails without copying if fewer remain. */
static inline int
cur_bytes(struct cursor *c, void *dst, size_t n)
{
	if (cur_left(c) < n)
		return -1;
	memcpy(dst, c->pos, n);
	c->pos += n;
	return 0;
}

/*
 * Split off a sub-cursor over the next n bytes (or fewer, if fewer remain and
 * allow_short is set: a short snap length keeps what it has).  The parent
 * advances past what the child covers.
 */
static inline int
cur_sub(struct cursor *c, size_t n, int allow_short, struct cursor *child)
{
	size_t left = cur_left(c);

	if (n > left) {
		if (!allow_short)
			return -1;
		n = left;
	}
	child->pos = c->pos;
	child->end = c->pos + n;
	c->pos += n;
	return 0;
}

/* Narrow the end of c so that at most n bytes remain. */
static inline void
cur_limit(struct cursor *c, size_t n)
{
	if (cur_left(c) > n)
		c->end = c->pos + n;
}

#endif /* LH_CURSOR_H */
