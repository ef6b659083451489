/*
 * fuzz_asmap_pfx2as.c: libFuzzer target for the CAIDA pfx2as loader of asmap.
 * Seeds: tests/asmap/seeds/fuzz_asmap_pfx2as/.
 */
#define FUZZ_ASMAP_FORMAT ASMAP_FMT_PFX2AS
#include "asmap_fuzz.h"
