# Integration tests (Criterion): each tests/integration/test_*.c boots real
# guests on KVM through build/bin/hospes-hv. They need the guests and host
# programs built first and /dev/kvm (they fail loudly without it).

INTEG_SRCS := $(sort $(wildcard tests/integration/test_*.c))
ALL_INTEGRATION_TESTS := $(patsubst tests/integration/%.c,$(TESTBIN)/integration/%,$(INTEG_SRCS))
INTEG_COMMON := $(OBJ)/host/tests/integration/harness.o

$(TESTBIN)/integration/%: $(OBJ)/host/tests/integration/%.o $(INTEG_COMMON) | $(ALL_HOST_PROGS) $(ALL_GUESTS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ $(CRITERION_LIBS) $(HOST_LDLIBS)

$(OBJ)/host/tests/integration/%.o: HOST_CFLAGS += $(CRITERION_CFLAGS) -Itests/integration
