/*
 * fuzz_asmap_as2org.c: libFuzzer target for the CAIDA as2org loader of asmap.
 * Seeds: tests/asmap/seeds/fuzz_asmap_as2org/.
 */
#define FUZZ_ASMAP_FORMAT ASMAP_FMT_AS2ORG
#include "asmap_fuzz.h"
