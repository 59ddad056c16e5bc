# hypervisor: hospes-hv, the thin hypervisor. HV_CORE_SRCS is everything
# testable without /dev/kvm; unit tests link against those objects.

HV_CORE_SRCS := \
	hypervisor/hv_log.c \
	hypervisor/hv_util.c \
	hypervisor/hv_domain.c \
	hypervisor/hv_registry.c \
	hypervisor/hv_time.c \
	hypervisor/hv_wait.c \
	hypervisor/hv_console.c \
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
	hypervisor/hc_sched.c

HV_MAIN_SRCS := \
	hypervisor/hv_kvm.c \
	hypervisor/hv_vcpu.c \
	hypervisor/hv_vmexit.c \
	hypervisor/hv_watchdog.c \
	hypervisor/hv_run.c \
	hypervisor/hv_main.c

HV_CORE_OBJS := $(patsubst %.c,$(OBJ)/host/%.o,$(HV_CORE_SRCS))
HV_MAIN_OBJS := $(patsubst %.c,$(OBJ)/host/%.o,$(HV_MAIN_SRCS))
UNIT_OBJS_hypervisor := $(HV_CORE_OBJS)

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
