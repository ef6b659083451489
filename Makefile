# lasthop: packet-level traceroute and path analyzer.
# Targets: all check demo deps deps-test deps-fuzz asdb asan check-asan mutate
#          fuzz bench bench-live install clean distclean

PREFIX	?= /usr/local
BUILD	?= build
CC	?= cc
CFLAGS	?= -O3 -g
WARN	= -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	  -Wmissing-prototypes -Wpointer-arith -Wcast-qual -Wformat=2
CPPFLAGS += -Iinclude -D_DEFAULT_SOURCE
XCFLAGS	= -std=c11 -pthread $(WARN) $(CFLAGS) $(SAN) -MMD -MP
LIBS	= -pthread -lpcap -lnet -ldumbnet -ljansson -lcap-ng -lgvc -lcgraph -lcdt -lm

LIB_SRCS  = $(filter-out src/main.c,$(sort $(wildcard src/*.c)))
LIB_OBJS  = $(LIB_SRCS:src/%.c=$(BUILD)/%.o)
UNIT_SRCS = $(sort $(wildcard tests/unit/test_*.c))
UNIT_OBJS = $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%.o)
UNIT_BINS = $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRCS = $(sort $(wildcard fuzz/fuzz_*.c))

ASAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all \
	     -fno-omit-frame-pointer

# The world-wide AS image (lasthop.1, FILES): compiled by `make deps` from the
# dataset and version pinned in tools/asdb.pin; lasthop finds it in data/.
ASDB_IMAGE = data/asn-ipv4.asdb
ASDB_DOCS  = DBIP-LICENSE NRO_LICENSE ROUTEVIEWS-LICENSE MODIFICATIONS

.PHONY: all check check-asan demo deps deps-test deps-fuzz asdb asan mutate \
	fuzz bench bench-live install clean distclean units FORCE

all: lasthop

lasthop: $(BUILD)/lasthop
	@if [ "$(BUILD)" = build ]; then cp $(BUILD)/lasthop lasthop; fi

$(BUILD)/lasthop: $(BUILD)/main.o $(BUILD)/liblasthop.a
	$(CC) $(CFLAGS) $(SAN) -o $@ $(BUILD)/main.o $(BUILD)/liblasthop.a $(LIBS)

$(BUILD)/liblasthop.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

# The compiler and flags of the last build: objects are rebuilt when they
# change (make CFLAGS=..., a sanitizer), not only when a source does.
FLAGS_NOW = $(CC) $(CPPFLAGS) $(XCFLAGS) $(LIBS)
$(BUILD)/.flags: FORCE
	@mkdir -p $(@D)
	@echo '$(FLAGS_NOW)' | cmp -s - $@ || echo '$(FLAGS_NOW)' >$@

$(BUILD)/%.o: src/%.c $(BUILD)/.flags
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(XCFLAGS) -c -o $@ $<

# A unit program is compiled once and relinked when the library changes
# (make mutate rebuilds after every mutation).
$(BUILD)/tests/%.o: tests/unit/%.c $(BUILD)/.flags
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(XCFLAGS) -Wno-missing-prototypes -c -o $@ $<

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(BUILD)/liblasthop.a
	$(CC) $(CFLAGS) $(SAN) -pthread -o $@ $< $(BUILD)/liblasthop.a \
		-lcmocka $(LIBS)

.SECONDARY: $(UNIT_OBJS)

units: $(UNIT_BINS)

# The test command of the README: installs what it needs, builds, runs
# every test (unit, golden, peer agreement, hostile input, lab).
check: deps deps-test
	$(MAKE) all units
	tests/run-tests.sh $(BUILD)

# The same suite under AddressSanitizer and UBSan (CI runs both).
asan:
	$(MAKE) BUILD=build-asan SAN="$(ASAN_FLAGS)" build-asan/lasthop units

check-asan: deps deps-test asan
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		tests/run-tests.sh build-asan

# Mutation checks: each small breakage in tests/mutations.list, applied to a
# scratch copy, must make the fast suite (no lab) fail; survivors and stale
# entries fail this target.  The report is also in tests/out/mutate.txt.
mutate: deps deps-test
	tools/mutate.sh

demo: deps
	$(MAKE) all
	./lasthop replay captures/demo-healthy.pcap

# What building and running need (make, make demo) and the AS image; the
# test tools; the fuzzing toolchain.  Each is idempotent.
deps:
	@tools/deps.sh build
	@$(MAKE) --no-print-directory asdb

# Fetch (npm) and compile the pinned dataset unless data/ already has it.
asdb: $(BUILD)/lasthop
	@tools/asdb-fetch.sh $(BUILD)/lasthop $(ASDB_IMAGE)

deps-test:
	@tools/deps.sh test

deps-fuzz:
	@tools/deps.sh fuzz

# libFuzzer targets, one per parser of untrusted input; a bounded campaign.
FUZZ_TIME ?= 60
fuzz: deps deps-fuzz
	$(MAKE) BUILD=build-fuzz CC=clang \
		SAN="-fsanitize=fuzzer-no-link,address,undefined" \
		build-fuzz/liblasthop.a
	@mkdir -p build-fuzz/bin
	@set -e; for f in $(FUZZ_SRCS); do \
		n=$$(basename $$f .c); \
		clang $(CPPFLAGS) -std=c11 -g -O1 \
			-fsanitize=fuzzer,address,undefined -o build-fuzz/bin/$$n \
			$$f build-fuzz/liblasthop.a $(LIBS); \
	done
	tools/run-fuzz.sh build-fuzz/bin $(FUZZ_TIME)

bench: deps deps-test all
	bench/run-bench.sh
	bench/asdb-bench.sh
	bench/asmap-bench.sh

# Live tracing speed in the namespace lab (root only).
bench-live: deps deps-test all
	bench/bench-live.sh

# The AS image goes to PREFIX/share/lasthop/, where the installed binary
# looks for it (../share/lasthop from its own directory), with the
# dataset's licences.
install: all asdb
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/lasthop
	install -m 0755 lasthop $(DESTDIR)$(PREFIX)/bin/lasthop
	install -m 0644 doc/lasthop.1 $(DESTDIR)$(PREFIX)/share/man/man1/lasthop.1
	install -m 0644 $(ASDB_IMAGE) $(DESTDIR)$(PREFIX)/share/lasthop/
	for f in $(ASDB_DOCS); do \
		if [ -f data/$$f ]; then \
			install -m 0644 data/$$f $(DESTDIR)$(PREFIX)/share/lasthop/; \
		fi; \
	done

clean:
	rm -rf build build-asan build-fuzz lasthop

# clean, and the AS image too (make deps fetches it again).
distclean: clean
	rm -rf data

-include $(LIB_OBJS:.o=.d) $(BUILD)/main.d $(UNIT_OBJS:.o=.d)
