# Hospes top-level build. One non-recursive make: each component adds its
# targets from its own *.mk fragment; all output goes under build/.
#
#   make            build everything (host programs, guest kernels)
#   make deps       install the Debian packages the project needs
#   make demo       the toolstack demo: hospesd, the nido guest, its console
#   make demo-hv    boot the nido demo guest on hospes-hv alone
#   make test       unit + integration tests, ends with a TESTS: line
#   make test-asan  the same with host programs under ASan + UBSan
#   make bench      benchmarks (BENCH lines, build/bench/results.txt)
#   make fuzz       fuzz the xenstore daemon (FUZZ_TIME=600 seconds)
#   make install    PREFIX=/usr/local DESTDIR=
#   V=1             show full commands

PREFIX ?= /usr/local
DESTDIR ?=
BUILD ?= build
SANITIZE ?=

CC ?= cc
HOST_CC := $(CC)
GUEST_CC := gcc

Q := $(if $(V),,@)

# Host programs: strict C, the ABI headers in host mode.
HOST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wimplicit-fallthrough \
	-Wno-unused-parameter -D_GNU_SOURCE -DPVABI_HOST -Ipvabi/include -MMD -MP
HOST_LDFLAGS :=
HOST_LDLIBS := -lpthread
ifneq ($(SANITIZE),)
HOST_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
HOST_LDFLAGS += -fsanitize=address,undefined
endif

# Guest code: freestanding, no red zone, nothing the KVM emulator cannot run
# in kernel mode (no SSE/x87/AVX), identity-mapped at its link address.
GUEST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wimplicit-fallthrough \
	-Wno-unused-parameter -ffreestanding -nostdlib -fno-pic -fno-pie \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fcf-protection=none \
	-mno-red-zone -mgeneral-regs-only -mno-sse -mno-sse2 -mno-mmx -mno-avx \
	-mno-80387 -msoft-float -fno-tree-vectorize \
	-Ipvabi/include -MMD -MP
GUEST_ASFLAGS := -Ipvabi/include -MMD -MP -fno-pic -fno-pie
GUEST_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=4096 \
	-Wl,-z,noexecstack

BIN := $(BUILD)/bin
GUESTS := $(BUILD)/guests
OBJ := $(BUILD)/obj
TESTBIN := $(BUILD)/tests

CRITERION_CFLAGS := $(shell pkg-config --cflags criterion 2>/dev/null)
CRITERION_LIBS := $(shell pkg-config --libs criterion 2>/dev/null || echo -lcriterion)

ALL_HOST_PROGS :=
ALL_GUESTS :=
ALL_UNIT_TESTS :=
ALL_INTEGRATION_TESTS :=
ALL_BENCH_PROGS :=

.PHONY: all deps demo demo-hv test test-asan unit-test integration-test bench clean install help
all:

# host_obj: build/obj/<path>.o from <path>.c with host flags
$(OBJ)/host/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -c -o $@ $<

$(OBJ)/guest/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GUESTCC $<")
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) -c -o $@ $<

$(OBJ)/guest/%.o: %.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GUESTAS $<")
	$(Q)$(GUEST_CC) $(GUEST_ASFLAGS) -c -o $@ $<

include pvabi/pvabi.mk
include hypervisor/hypervisor.mk
include toolstack/stored/stored.mk
include toolstack/xsclient/xsclient.mk
include backends/consoled/consoled.mk
include backends/blkback/blkback.mk
include backends/netback/netback.mk
include toolstack/toolstack.mk
include guest-kernel-patches/nido/nido.mk
include tests/guests/guests.mk
include tests/unit/unit.mk
include tests/integration/integration.mk
include tests/bench/bench.mk
include tests/fuzz/fuzz.mk

all: $(ALL_HOST_PROGS) $(ALL_GUESTS)

deps:
	$(Q)./tests/scripts/deps.sh

# The toolstack demo: hospesd + services, the nido guest, its console.
demo: deps all
	@./toolstack/examples/demo.sh $(BIN) $(GUESTS)

# The hypervisor alone: one kernel booted directly.
demo-hv: deps all
	@echo "== Booting nido on hospes-hv (64 MiB, one vCPU) =="
	$(BIN)/hospes-hv run $(GUESTS)/nido.elf --mem 64M --cmdline "demo=1 console=hvc0"

test: deps
	$(Q)$(MAKE) --no-print-directory all-tests
	$(Q)./tests/scripts/run-tests.sh $(BUILD) $(ALL_UNIT_TESTS) -- $(ALL_INTEGRATION_TESTS)

all-tests: all $(ALL_UNIT_TESTS) $(ALL_INTEGRATION_TESTS)

test-asan: deps
	$(Q)$(MAKE) --no-print-directory BUILD=build/asan SANITIZE=1 test

bench: deps
	$(Q)$(MAKE) --no-print-directory all $(ALL_BENCH_PROGS)
	$(Q)./tests/bench/run-bench.sh $(BUILD) $(BENCH)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/hospes/guests \
		$(DESTDIR)$(PREFIX)/include/pvabi $(DESTDIR)$(PREFIX)/lib/hospes/pvabi
	install -m 755 $(ALL_HOST_PROGS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(GUESTS)/nido.elf $(DESTDIR)$(PREFIX)/lib/hospes/guests/
	install -m 644 pvabi/include/pvabi/*.h $(DESTDIR)$(PREFIX)/include/pvabi/
	install -m 644 pvabi/include/pvabi.h $(DESTDIR)$(PREFIX)/include/
	install -m 644 $(PVABI_LIB) pvabi/src/arch/x86_64/pvabi.ld \
		$(DESTDIR)$(PREFIX)/lib/hospes/pvabi/

clean:
	rm -rf build

help:
	@sed -n '3,13p' Makefile

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
