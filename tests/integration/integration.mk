# Integration tests (Criterion): each tests/integration/test_*.c boots real
# guests on KVM through build/bin/hospes-hv. They need the guests and host
# programs built first and /dev/kvm (they fail loudly without it).

# dom0 test programs (tests/dom0/*.c): control-socket clients that
# integration tests run next to a guest (e.g. an event-channel peer).
DOM0_TEST_PROGS := $(patsubst tests/dom0/%.c,$(TESTBIN)/dom0/%,$(wildcard tests/dom0/*.c))
ALL_HOST_PROGS += $(DOM0_TEST_PROGS)

$(TESTBIN)/dom0/%: $(OBJ)/host/tests/dom0/%.o $(HVCTL_LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ $(HOST_LDLIBS)

$(OBJ)/host/tests/dom0/%.o: HOST_CFLAGS += -Ihypervisor

INTEG_SRCS := $(sort $(wildcard tests/integration/test_*.c))
ALL_INTEGRATION_TESTS := $(patsubst tests/integration/%.c,$(TESTBIN)/integration/%,$(INTEG_SRCS))
INTEG_COMMON := $(OBJ)/host/tests/integration/harness.o

$(TESTBIN)/integration/%: $(OBJ)/host/tests/integration/%.o $(INTEG_COMMON) | $(ALL_HOST_PROGS) $(ALL_GUESTS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ $(CRITERION_LIBS) $(HOST_LDLIBS)

$(OBJ)/host/tests/integration/%.o: HOST_CFLAGS += $(CRITERION_CFLAGS) -Itests/integration

# The daemon test drives hospes-hv through the dom0 client library.
$(TESTBIN)/integration/test_daemon: $(HVCTL_LIB)
$(OBJ)/host/tests/integration/test_daemon.o: HOST_CFLAGS += -Ihypervisor

# Several guests in one private daemon (daemon_fixture.c): interdomain
# channels, isolation under an event storm and a hostile guest.
DAEMON_FIXTURE := $(OBJ)/host/tests/integration/daemon_fixture.o
$(OBJ)/host/tests/integration/daemon_fixture.o: HOST_CFLAGS += -Ihypervisor
# Events: guest<->dom0 channels through the daemon and libhvctl.
$(TESTBIN)/integration/test_events_dom0: $(DAEMON_FIXTURE) $(HVCTL_LIB)
$(OBJ)/host/tests/integration/test_events_dom0.o: HOST_CFLAGS += -Ihypervisor
$(TESTBIN)/integration/test_interdomain: $(DAEMON_FIXTURE) $(HVCTL_LIB)
$(OBJ)/host/tests/integration/test_interdomain.o: HOST_CFLAGS += -Ihypervisor
$(TESTBIN)/integration/test_isolation: $(DAEMON_FIXTURE) $(HVCTL_LIB)
$(OBJ)/host/tests/integration/test_isolation.o: HOST_CFLAGS += -Ihypervisor

# Xenstore ring page and port: run mode and through the daemon fixture.
$(TESTBIN)/integration/test_store_page: $(DAEMON_FIXTURE) $(HVCTL_LIB)
$(OBJ)/host/tests/integration/test_store_page.o: HOST_CFLAGS += -Ihypervisor
