# hypervisor: hospes-hv, the thin hypervisor. HV_CORE_SRCS is everything
# testable without /dev/kvm; unit tests link against those objects.

HV_CORE_SRCS := \
	hypervisor/hv_log.c \
	hypervisor/hv_util.c \
	hypervisor/hv_domain.c \
	hypervisor/hv_registry.c \
	hypervisor/hv_time.c \
	hypervisor/hv_wait.c \
	hypervisor/hv_timer.c \
	hypervisor/hv_pvclock.c \
	hypervisor/hv_vtime.c \
	hypervisor/hv_vtime_evt.c \
	hypervisor/hc_timer.c \
	hypervisor/hv_console.c \
	hypervisor/hv_bootacct.c \
	hypervisor/gmem_ram.c \
	hypervisor/gmem_walk.c \
	hypervisor/gmem.c \
	hypervisor/elf_load.c \
	hypervisor/elf_note.c \
	hypervisor/bootinfo.c \
	hypervisor/hv_cpuid.c \
	hypervisor/hv_hcpage.c \
	hypervisor/hv_regdump.c \
	hypervisor/hc_table.c \
	hypervisor/hc_console.c \
	hypervisor/hc_version.c \
	hypervisor/hc_sched.c \
	hypervisor/hc_memory.c \
	hypervisor/hc_memory_res.c \
	hypervisor/hc_multicall.c \
	hypervisor/hv_balloon.c \
	hypervisor/hv_mem_budget.c \
	hypervisor/hc_vcpu.c \
	hypervisor/hv_smp.c \
	hypervisor/hv_smp_ctx.c \
	hypervisor/hvctl_proto.c \
	hypervisor/gnttab.c \
	hypervisor/gnttab_pin.c \
	hypervisor/gnttab_map.c \
	hypervisor/gnttab_copy.c \
	hypervisor/hc_grant.c \
	hypervisor/evtchn.c \
	hypervisor/evtchn_2l.c \
	hypervisor/evtchn_shinfo.c \
	hypervisor/evtchn_dom0.c \
	hypervisor/hv_upcall.c \
	hypervisor/physmap.c \
	hypervisor/hc_evtchn.c \
	hypervisor/hc_hvm.c \
	hypervisor/hv_emu_apic.c

HV_MAIN_SRCS := \
	hypervisor/hv_kvm.c \
	hypervisor/hv_upcall_kvm.c \
	hypervisor/hv_emu.c \
	hypervisor/hv_emu_run.c \
	hypervisor/hv_emu_cpuid.c \
	hypervisor/hv_upcall_emu.c \
	hypervisor/hv_vcpu.c \
	hypervisor/hv_vmexit.c \
	hypervisor/hv_balloon_fault.c \
	hypervisor/hv_watchdog.c \
	hypervisor/hv_build.c \
	hypervisor/hv_store.c \
	hypervisor/hv_console_ring.c \
	hypervisor/hv_console_pump.c \
	hypervisor/hv_run.c \
	hypervisor/hv_daemon.c \
	hypervisor/hv_ctl_conn.c \
	hypervisor/hv_ctl_dom.c \
	hypervisor/hv_ctl_ops.c \
	hypervisor/hv_ctl_gnt.c \
	hypervisor/hv_main.c

HV_CORE_OBJS := $(patsubst %.c,$(OBJ)/host/%.o,$(HV_CORE_SRCS))
HV_MAIN_OBJS := $(patsubst %.c,$(OBJ)/host/%.o,$(HV_MAIN_SRCS))
# The software CPU (hypervisor/emu/, the interpreter behind hv_emu.c).
HV_EMU_SRCS := $(sort $(wildcard hypervisor/emu/emu_*.c))
HV_EMU_OBJS := $(patsubst %.c,$(OBJ)/host/%.o,$(HV_EMU_SRCS))
HV_MAIN_OBJS += $(HV_EMU_OBJS)
# hv_emu's run loop with the real interpreter (tests/unit/hypervisor/test_emu_run.c)
$(TESTBIN)/unit/hypervisor/test_emu_run: $(OBJ)/host/hypervisor/hv_emu.o \
	$(OBJ)/host/hypervisor/hv_emu_run.o $(OBJ)/host/hypervisor/hv_emu_cpuid.o \
	$(OBJ)/host/hypervisor/hv_upcall_emu.o $(HV_EMU_OBJS)
# Its unit tests (tests/unit/emu/): a fake machine and snippets the host
# assembler builds, run both natively and on the interpreter.
UNIT_OBJS_emu := $(HV_EMU_OBJS) $(OBJ)/host/tests/unit/emu/emu_fixture.o \
	$(OBJ)/host/tests/unit/emu/emu_snippets.o $(OBJ)/host/tests/unit/emu/emu_guest.o
$(OBJ)/host/tests/unit/emu/%.o: tests/unit/emu/%.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(HOST_CC) -c -o $@ $<
UNIT_OBJS_hypervisor := $(HV_CORE_OBJS)
# libhvctl's bounded connections (connect/send/receive timeouts)
$(TESTBIN)/unit/hypervisor/test_hvctl_timeout: $(OBJ)/host/hypervisor/hvctl_client.o

# XENVER_changeset reports the git revision hospes-hv was built from.
HV_CHANGESET := $(shell git rev-parse --short=12 HEAD 2>/dev/null)
ifneq ($(HV_CHANGESET),)
$(OBJ)/host/hypervisor/hc_version.o: HOST_CFLAGS += -DHOSPES_CHANGESET='"$(HV_CHANGESET)"'
endif

$(BIN)/hospes-hv: $(HV_CORE_OBJS) $(HV_MAIN_OBJS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ $(HOST_LDLIBS)

ALL_HOST_PROGS += $(BIN)/hospes-hv

# libhvctl: the dom0 client library of the control socket, and hospes-hvctl.
HVCTL_LIB_SRCS := hypervisor/hvctl_client.c hypervisor/hvctl_proto.c hypervisor/hv_util.c
HVCTL_LIB_SRCS += hypervisor/hvctl_gnt_client.c # grant tables
HVCTL_LIB_OBJS := $(patsubst %.c,$(OBJ)/host/%.o,$(HVCTL_LIB_SRCS))
HVCTL_LIB := $(BUILD)/lib/libhvctl.a

$(HVCTL_LIB): $(HVCTL_LIB_OBJS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(BIN)/hospes-hvctl: $(OBJ)/host/hypervisor/hvctl_cli.o $(HVCTL_LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ $(HOST_LDLIBS)

ALL_HOST_PROGS += $(BIN)/hospes-hvctl
