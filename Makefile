# stackc — plain GNU make. Objects live in $(BUILD); `make asan` uses its own tree.
BUILD    ?= build
PREFIX   ?= /usr/local
DESTDIR  ?=
PKGS     := yaml-0.1 jansson libpcre2-8 libcurl libcrypto
WERROR   ?= -Werror
WARN     := -Wall -Wextra $(WERROR) -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes \
            -Wold-style-definition -Wshadow -Wpointer-arith -Wwrite-strings -Wvla \
            -Wundef -fno-common
CFLAGS   ?= -O2 -g
# quiet by default: `make V=1` shows the compiler command lines
V ?= 0
Q := $(if $(filter 1,$(V)),,@)
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libcurl and libcrypto are opened at run time by swarm/engine.c and
# base/crypto.c (only commands that talk to the Engine pay for loading them),
# so they are not linked
# libyaml, jansson and pcre2 are linked statically: as shared libraries their
# loading and relocation cost every run ~0.1 ms and ~0.4 MiB (measured at N=10).
# `make STATIC_PKGS=` links them shared (to pick up distribution fixes).
STATIC_PKGS ?= yaml-0.1 jansson libpcre2-8
SHARED_PKGS := $(filter-out libcurl libcrypto $(STATIC_PKGS),$(PKGS))
PKG_LIBS   := -Wl,-Bstatic $(shell pkg-config --libs --static $(STATIC_PKGS) 2>/dev/null) -Wl,-Bdynamic \
              $(shell pkg-config --libs $(SHARED_PKGS) 2>/dev/null) -ldl
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -DPCRE2_CODE_UNIT_WIDTH=8 -I. -I$(BUILD) \
             $(WARN) $(CFLAGS) $(PKG_CFLAGS) -MMD -MP
# --as-needed: a library nothing calls is not loaded at every start (libm costs
# ~0.1 ms and 0.4 MiB per run, measured; the code uses none of its functions today)
LDLIBS   += -Wl,--as-needed $(PKG_LIBS) -lm -pthread

MODULES  := base compose merge check emit swarm project
LIB_SRC  := $(sort $(foreach m,$(MODULES),$(wildcard $(m)/*.c)))
CLI_SRC  := $(sort $(wildcard cli/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/*.c))
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))
SCHEMAS  := $(sort $(wildcard schemas/*.json))

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/schemas_data.o
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_OBJ := $(UNIT_SRC:%.c=$(BUILD)/%.o)
FUZZ_OBJ := $(FUZZ_SRC:%.c=$(BUILD)/%.o)

.PHONY: all example deps check unit golden conformance differential e2e asan valgrind fuzz bench install clean check-layers
all: deps
	@$(MAKE) --no-print-directory $(BUILD)/stackc

deps:
	@scripts/deps.sh

# The main job on the bundled example: compile testdata/signup to one stack file,
# from its 3.x files, then from its Compose Specification variant (compose.yaml).
example: deps
	@$(MAKE) -s --no-print-directory $(BUILD)/stackc
	@echo "# ==== testdata/signup: docker-compose.yml + docker-compose.prod.yml (3.x stack files) ===="
	@cd testdata/signup && ../../$(BUILD)/stackc config -f docker-compose.yml -f docker-compose.prod.yml
	@echo
	@echo "# ==== testdata/signup: compose.yaml (Compose Specification, lowered to a stack file) ===="
	@cd testdata/signup && ../../$(BUILD)/stackc config -f compose.yaml

# tests and fuzz entry points are registered by name, not by header
$(BUILD)/tests/%.o $(BUILD)/fuzz/%.o: WARN += -Wno-missing-prototypes
$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Schemas are compiled into read-only tables at build time (scripts/schemac.c,
# a host tool): no runtime file lookup, no JSON parsing.
$(BUILD)/schemac: scripts/schemac.c schemas/tables.h
	@mkdir -p $(BUILD)
	$(Q)$(CC) -std=c11 -D_GNU_SOURCE -I. $(WARN) -O2 $(shell pkg-config --cflags jansson) \
		-o $@ scripts/schemac.c $(shell pkg-config --libs jansson)
$(BUILD)/schemas_data.c: $(SCHEMAS) $(BUILD)/schemac
	$(Q)$(BUILD)/schemac $(SCHEMAS) >$@.tmp && mv $@.tmp $@
$(BUILD)/schemas_data.o: $(BUILD)/schemas_data.c
	$(Q)$(CC) $(filter-out -MMD -MP,$(ALL_CFLAGS)) -c -o $@ $<

$(BUILD)/libstackc.a: $(LIB_OBJ)
	@rm -f $@
	$(Q)$(AR) rcs $@ $^

$(BUILD)/stackc: $(CLI_OBJ) $(BUILD)/libstackc.a
	$(Q)$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libstackc.a $(LDLIBS)

# Unit tests: every `void test_<module>__<name>(void)` in tests/unit is registered.
$(BUILD)/unit_list.inc: $(UNIT_SRC)
	@mkdir -p $(BUILD)
	$(Q)sed -n 's/^void \(test_[a-z0-9_]*__[a-z0-9_]*\)(void)$$/T(\1)/p' $(UNIT_SRC) >$@
$(BUILD)/tests/unit/main.o: $(BUILD)/unit_list.inc
$(BUILD)/stackc-test: $(UNIT_OBJ) $(FUZZ_OBJ) $(BUILD)/libstackc.a
	$(Q)$(CC) $(LDFLAGS) -o $@ $(UNIT_OBJ) $(FUZZ_OBJ) $(BUILD)/libstackc.a $(LDLIBS)

# The one test command: unit (+ fuzz seed replay), golden, conformance,
# differential and e2e stages; the last line is `N passed, N failed`.
check: deps
	@scripts/deps.sh --test
	@$(MAKE) --no-print-directory $(BUILD)/stackc $(BUILD)/stackc-test
	@$(MAKE) --no-print-directory BUILD=build/asan CFLAGS='$(SAN) -DSTACKC_ARENA_DEBUG' \
		LDFLAGS='$(SAN)' build/asan/stackc build/asan/stackc-test
	@BUILD=$(BUILD) tests/run.sh $(CHECK_ARGS)

unit: $(BUILD)/stackc-test
	$(BUILD)/stackc-test
golden: $(BUILD)/stackc
	BUILD=$(BUILD) tests/run.sh golden
conformance: $(BUILD)/stackc
	BUILD=$(BUILD) tests/run.sh conformance
differential: $(BUILD)/stackc
	BUILD=$(BUILD) tests/run.sh differential
e2e: $(BUILD)/stackc
	BUILD=$(BUILD) tests/run.sh e2e

SAN := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
asan:
	$(MAKE) BUILD=build/asan CFLAGS='$(SAN) -DSTACKC_ARENA_DEBUG' LDFLAGS='$(SAN)' \
		build/asan/stackc build/asan/stackc-test
	tests/run.sh asan-unit asan-golden
valgrind: $(BUILD)/stackc
	BUILD=$(BUILD) tests/run.sh valgrind

FUZZ_CC := clang
fuzz:
	$(MAKE) BUILD=build/fuzz CC=$(FUZZ_CC) \
		CFLAGS='-g -O1 -fsanitize=fuzzer-no-link,address,undefined -DSTACKC_ARENA_DEBUG' \
		build/fuzz/libstackc.a
	@for f in $(FUZZ_SRC); do n=$$(basename $$f .c); \
	  echo "  FUZZ $$n"; \
	  $(FUZZ_CC) -g -O1 -fsanitize=fuzzer,address,undefined -DSTACKC_ARENA_DEBUG -DPCRE2_CODE_UNIT_WIDTH=8 \
	    -D_GNU_SOURCE -DSTACKC_FUZZ_MAIN -I. -o build/fuzz/$$n $$f build/fuzz/libstackc.a $(LDLIBS) || exit 1; done

bench: $(BUILD)/stackc
	bench/run.sh

check-layers:
	@scripts/check-layers.sh

install: $(BUILD)/stackc
	install -d $(DESTDIR)$(PREFIX)/bin
	install -s -m 755 $(BUILD)/stackc $(DESTDIR)$(PREFIX)/bin/stackc
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 stackc.1 $(DESTDIR)$(PREFIX)/share/man/man1/stackc.1
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 644 contrib/completion/stackc.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/stackc
	install -d $(DESTDIR)$(PREFIX)/share/zsh/site-functions
	install -m 644 contrib/completion/_stackc $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_stackc

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
