# flinktop build. `make` builds ./flinktop and ./flinktop-sim; `make test` runs the whole
# suite; `make asan` runs it again under AddressSanitizer and UBSan.

CC      ?= cc
BUILD   ?= build
PREFIX  ?= /usr/local
PKG_CONFIG ?= pkg-config

WARN = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
       -Wold-style-definition -Wcast-qual -Wwrite-strings -Wformat=2 -Wundef -Wvla -Werror
OPT ?= -O2 -g
SAN ?=

APP_PKGS  = ncursesw libcurl libcjson yaml-0.1
SIM_PKGS  = libmicrohttpd libcjson
TEST_PKGS = cmocka
APP_PKGS += zlib # the autoscaler's ConfigMap (k8s_autoscaler.c): gzip

# Only ask pkg-config when it can answer: `make deps` must run before the packages exist.
pc = $(shell $(PKG_CONFIG) $(1) $(2) 2>/dev/null)

CFLAGS_BASE = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) $(OPT) $(SAN) \
              $(SRC_DIRS:%=-I%) -Iui
APP_CFLAGS  = $(CFLAGS_BASE) $(call pc,--cflags,$(APP_PKGS))
APP_LIBS    = $(call pc,--libs,$(APP_PKGS)) -lm
SIM_CFLAGS  = $(CFLAGS_BASE) $(call pc,--cflags,$(SIM_PKGS))
SIM_LIBS    = $(call pc,--libs,$(SIM_PKGS)) -lm
TEST_CFLAGS = $(APP_CFLAGS) $(call pc,--cflags,$(TEST_PKGS))
TEST_LIBS   = $(APP_LIBS) $(call pc,--libs,$(TEST_PKGS))

# src/ is a folder a concern (core, model, flink, k8s, alerts, actions, config, once);
# headers are included by name, so every engine folder is on the include path.
SRC_DIRS    = src $(filter-out src/sim/,$(sort $(dir $(wildcard src/*/*.c))))
ENGINE_SRCS = $(filter-out src/sim/%,$(wildcard src/*/*.c))
UI_SRCS     = $(wildcard ui/*.c)
SIM_SRCS    = $(wildcard src/sim/*.c)
TEST_SRCS   = $(wildcard tests/unit/test_*.c)

ENGINE_OBJS = $(ENGINE_SRCS:%.c=$(BUILD)/%.o)
UI_OBJS     = $(UI_SRCS:%.c=$(BUILD)/%.o)
SIM_OBJS    = $(SIM_SRCS:%.c=$(BUILD)/%.o) $(BUILD)/src/core/xalloc.o
TEST_BINS   = $(TEST_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

VERSION := $(shell cat VERSION 2>/dev/null || echo 0.1.0)

.PHONY: all deps demo test unit asan asan-build bench screenshots clean format-check install
.PHONY: fuzz fuzz-build soak
all: flinktop flinktop-sim

flinktop: $(BUILD)/flinktop
	rm -f $@ && cp $< $@
flinktop-sim: $(BUILD)/flinktop-sim
	rm -f $@ && cp $< $@

$(BUILD)/flinktop: $(BUILD)/src/main.o $(ENGINE_OBJS) $(UI_OBJS)
	$(CC) $(SAN) -o $@ $^ $(APP_LIBS)

$(BUILD)/flinktop-sim: $(SIM_OBJS)
	$(CC) $(SAN) -o $@ $^ $(SIM_LIBS)

$(BUILD)/src/sim/%.o: src/sim/%.c
	@mkdir -p $(dir $@)
	$(CC) $(SIM_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/src/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(APP_CFLAGS) -DFLINKTOP_VERSION='"$(VERSION)"' \
	    -DFLINKTOP_DATADIR='"$(PREFIX)/share/flinktop"' -MMD -MP -c -o $@ $<

$(BUILD)/ui/%.o: ui/%.c
	@mkdir -p $(dir $@)
	$(CC) $(APP_CFLAGS) -DFLINKTOP_VERSION='"$(VERSION)"' -MMD -MP -c -o $@ $<

# shared test helpers (tests/unit/*.c that are not test programs)
TEST_HELPERS = $(filter-out $(TEST_SRCS),$(wildcard tests/unit/*.c))

$(BUILD)/tests/%: tests/unit/%.c $(TEST_HELPERS) $(ENGINE_OBJS) $(UI_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -Itests/unit -o $@ $^ $(TEST_LIBS)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

deps:
	@sh tests/deps.sh

unit: $(TEST_BINS)

# The whole suite: unit (cmocka), integration (simulator + --once), end to end (tmux).
test: deps
	@$(MAKE) --no-print-directory all unit
	@BUILD=$(BUILD) sh tests/run.sh

# flinktop under the sanitizers everywhere; the simulator's sanitizer build runs its own
# tests, and the plain one serves the rest (tests/run.sh): as a server flinktop is tested
# against, its sanitizer build cost a fifth of the run's CPU.
asan: asan-build flinktop-sim
	@BUILD=build/asan FLINKTOP=build/asan/flinktop FLINKTOP_SIM=./flinktop-sim \
	    FLINKTOP_SIM_UNDER_TEST=build/asan/flinktop-sim \
	    ASAN_OPTIONS=detect_leaks=1 TEST_TIME_SCALE=4 TEST_OUT=tests/out/asan sh tests/run.sh

# the sanitizer build alone (CI builds both first, then runs the two suites side by side)
# The runtimes linked in: a process then starts and runs its leak check at exit with less
# CPU than with them as shared libraries (measured: 13 % less for a simulator's start and
# stop, 30 % for a --once; the suite starts hundreds).
ASAN_STATIC = -static-libasan -static-libubsan
asan-build: deps
	@$(MAKE) --no-print-directory BUILD=build/asan OPT='-O1 -g -fno-omit-frame-pointer' \
	    SAN='-fsanitize=address,undefined -fno-sanitize-recover=undefined $(ASAN_STATIC)' \
	    build/asan/flinktop build/asan/flinktop-sim $(TEST_BINS:$(BUILD)/%=build/asan/%)

# libFuzzer targets (clang, ASan + UBSan): every tests/fuzz/fuzz_*.c is one, linked with the
# engine; `make fuzz FUZZ_SECONDS=N` runs each for N seconds on a corpus seeded from
# tests/fixtures and prints its name, execs and findings (tests/fuzz/run.sh); FUZZ_JOBS=N
# targets run at a time (default 2).
FUZZ_SECONDS ?= 15
FUZZ_JOBS ?= 2
FUZZ_SRCS = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_SAN  = -fsanitize=address,undefined -fno-sanitize-recover=undefined
fuzz-build:
	@EXTRA_PKGS="clang libclang-rt-14-dev" sh tests/deps.sh
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang OPT='-O1 -g -fno-omit-frame-pointer' \
	    SAN='$(FUZZ_SAN) -fsanitize=fuzzer-no-link' $(FUZZ_SRCS:tests/fuzz/%.c=build/fuzz/%)

$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(ENGINE_OBJS)
	$(CC) $(APP_CFLAGS) -Itests/fuzz -fsanitize=fuzzer -o $@ $< $(ENGINE_OBJS) $(APP_LIBS)

fuzz: fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) sh tests/fuzz/run.sh

# the console for SOAK_SECONDS at 0.5 s refresh against a churning simulator: private
# memory and open fds once a SOAK_INTERVAL (tests/soak.sh)
SOAK_SECONDS ?= 600
soak: all
	@SOAK_SECONDS=$(SOAK_SECONDS) sh tests/soak.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@bash tests/demo.sh

bench: deps
	@$(MAKE) --no-print-directory all
	@sh tests/bench.sh

# screenshots/*.png and .txt from live runs against the simulator (README shows them)
screenshots: deps
	@$(MAKE) --no-print-directory all
	@EXTRA_PKGS="python3-pil python3-pyte fonts-dejavu-core fonts-noto-cjk" sh tests/deps.sh
	@bash tests/screenshots.sh

# binary, man page, example config, alert rules, themes and profiles; at run time themes
# and profiles are found in $(PREFIX)/share/flinktop (FLINKTOP_DATADIR)
DESTDIR ?=
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/flinktop \
	    $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 flinktop $(DESTDIR)$(PREFIX)/bin/flinktop
	install -m 644 flinktop.1 $(DESTDIR)$(PREFIX)/share/man/man1/flinktop.1
	install -m 644 config/alerts.yaml config/flinktop.yaml $(DESTDIR)$(PREFIX)/share/flinktop/
	install -d $(DESTDIR)$(PREFIX)/share/flinktop/themes
	install -m 644 themes/*.yaml $(DESTDIR)$(PREFIX)/share/flinktop/themes/
	if [ -d config/profiles ]; then \
	    install -d $(DESTDIR)$(PREFIX)/share/flinktop/profiles && \
	    install -m 644 config/profiles/*.yaml $(DESTDIR)$(PREFIX)/share/flinktop/profiles/; \
	fi

clean:
	rm -rf build flinktop flinktop-sim

format-check:
	clang-format --dry-run -Werror src/*.c src/*/*.c src/*/*.h ui/*.c ui/*.h
