/*
 * fuzz_asmap_bgpdump.c: libFuzzer target for the bgpdump -m loader of asmap.
 * Seeds: tests/asmap/seeds/fuzz_asmap_bgpdump/.
 */
#define FUZZ_ASMAP_FORMAT ASMAP_FMT_BGPDUMP
#include "asmap_fuzz.h"
