/*
 * fuzz_asmap_iplocdb.c: libFuzzer target for the ip-location-db CSV as an
 * asmap file (--asmap): rows become prefixes and names.
 * Seeds: tests/asdb/seeds/fuzz_asdb_csv/ are copied in by
 * tests/asdb/seeds/make-seeds.sh as tests/asdb/seeds/fuzz_asmap_iplocdb/.
 */
#define FUZZ_ASMAP_FORMAT ASMAP_FMT_IPLOCDB
#define FUZZ_ASMAP_DEFAULTS 0
#include "asmap_fuzz.h"
