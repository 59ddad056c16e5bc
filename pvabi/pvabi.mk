# pvabi: the freestanding guest library, built as build/lib/libpvabi.a.
# Guests link it with the linker script below through $(call guest_link,...).

PVABI_SRCS := \
	pvabi/src/arch/x86_64/boot.S \
	pvabi/src/arch/x86_64/hypercall_page.S \
	pvabi/src/arch/x86_64/traps.S \
	pvabi/src/arch/x86_64/upcall.S \
	pvabi/src/events.c \
	pvabi/src/events_cpu.c \
	pvabi/src/evtchn_wait.c \
	pvabi/src/start.c \
	pvabi/src/cmdline.c \
	pvabi/src/hypercall.c \
	pvabi/src/memory.c \
	pvabi/src/grant.c \
	pvabi/src/ring.c \
	pvabi/src/multicall.c \
	pvabi/src/console.c \
	pvabi/src/console_ring.c \
	pvabi/src/printf.c \
	pvabi/src/string.c \
	pvabi/src/memmap.c \
	pvabi/src/features.c \
	pvabi/src/traps.c \
	pvabi/src/shutdown.c \
	pvabi/src/smp.c \
	pvabi/src/time.c \
	pvabi/src/xenbus_ring.c \
	pvabi/src/xenbus_api.c \
	pvabi/src/xenbus.c \
	pvabi/src/xenbus_front.c

PVABI_OBJS := $(patsubst %,$(OBJ)/guest/%.o,$(basename $(PVABI_SRCS)))
PVABI_LIB := $(BUILD)/lib/libpvabi.a
PVABI_LDS := pvabi/src/arch/x86_64/pvabi.ld
GUEST_INSN_CHECK := pvabi/scripts/check-guest-insns.sh

$(PVABI_LIB): $(PVABI_OBJS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

# guest_link: $(1) = output ELF, $(2) = guest objects, $(3) = extra check flags
# (e.g. --allow vmcall for a hostile test guest). Use with $(eval ...).
# Links against libpvabi.a at the identity-mapped load address, then scans
# the disassembly for instructions guest kernel mode must not use.
define guest_link
$(1): $(2) $$(PVABI_LIB) $$(PVABI_LDS) $$(GUEST_INSN_CHECK)
	@mkdir -p $$(dir $$@)
	@$$(if $$(Q),echo "  GUESTLD $$@")
	$$(Q)$$(GUEST_CC) $$(GUEST_LDFLAGS) -T $$(PVABI_LDS) -o $$@.tmp $(2) $$(PVABI_LIB) -lgcc
	$$(Q)$$(GUEST_INSN_CHECK) $(3) $$@.tmp
	$$(Q)mv $$@.tmp $$@
endef

# The parts of pvabi that are plain C (no hypercalls) are also unit-tested
# on the host, from the same sources.
UNIT_OBJS_pvabi := $(OBJ)/host/pvabi/src/cmdline.o $(OBJ)/host/pvabi/src/xenbus_ring.o \
	$(OBJ)/host/pvabi/src/xenbus_api.o $(OBJ)/host/pvabi/src/xenbus_front.o
$(UNIT_OBJS_pvabi): HOST_CFLAGS += -ffreestanding
