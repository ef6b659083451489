/*
 * fuzz_asmap_iptoasn.c: libFuzzer target for the iptoasn TSV loader of asmap.
 * Seeds: tests/asmap/seeds/fuzz_asmap_iptoasn/.
 */
#define FUZZ_ASMAP_FORMAT ASMAP_FMT_IPTOASN
#define FUZZ_ASMAP_DEFAULTS 0
#include "asmap_fuzz.h"
