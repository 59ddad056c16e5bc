# Integration tests (Criterion): each tests/integration/test_*.c boots real
# guests through build/bin/hospes-hv, on KVM or, without /dev/kvm, on its
# software CPU (said once per binary; HOSPES_ACCEL=kvm insists on KVM).

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
# Grant tables: two guests sharing pages in one daemon.
$(TESTBIN)/integration/test_grant: $(DAEMON_FIXTURE) $(HVCTL_LIB)
$(OBJ)/host/tests/integration/test_grant.o: HOST_CFLAGS += -Ihypervisor
$(OBJ)/host/tests/integration/test_interdomain.o: HOST_CFLAGS += -Ihypervisor
$(TESTBIN)/integration/test_isolation: $(DAEMON_FIXTURE) $(HVCTL_LIB)
$(OBJ)/host/tests/integration/test_isolation.o: HOST_CFLAGS += -Ihypervisor

# Xenstore ring page and port: run mode and through the daemon fixture.
$(TESTBIN)/integration/test_store_page: $(DAEMON_FIXTURE) $(HVCTL_LIB)
$(OBJ)/host/tests/integration/test_store_page.o: HOST_CFLAGS += -Ihypervisor

# Shared rings: two nidos (ring-serve/ring-client) and dom0 with a guest.
$(TESTBIN)/integration/test_ring_demo: $(DAEMON_FIXTURE) $(HVCTL_LIB)
$(OBJ)/host/tests/integration/test_ring_demo.o: HOST_CFLAGS += -Ihypervisor
$(TESTBIN)/integration/test_ring_dom0: $(DAEMON_FIXTURE) $(OBJ)/host/tests/bench/ring_dom0.o $(HVCTL_LIB)
$(OBJ)/host/tests/integration/test_ring_dom0.o: HOST_CFLAGS += -Ihypervisor

# Guests on xenstore (ring transport): hospes-hv daemon + hospes-stored,
# the toolstack's steps in guest_store_fixture.c.
GUEST_STORE_FIXTURE := $(OBJ)/host/tests/integration/guest_store_fixture.o
$(GUEST_STORE_FIXTURE): HOST_CFLAGS += -Ihypervisor -Itoolstack/xsclient
$(TESTBIN)/integration/test_xs_guest: $(GUEST_STORE_FIXTURE) $(DAEMON_FIXTURE) $(XS_FIXTURE) \
		$(XSCLIENT_LIB) $(HVCTL_LIB)
$(OBJ)/host/tests/integration/test_xs_guest.o: HOST_CFLAGS += -Ihypervisor -Itoolstack/xsclient
# hospes-stored's tree across restarts (--state-dir).
$(TESTBIN)/integration/test_xs_persist: $(XSCLIENT_LIB)
$(OBJ)/host/tests/integration/test_xs_persist.o: HOST_CFLAGS += -Itoolstack/xsclient

# Console: nido's PV console through hospes-consoled (console_fixture.c
# plays the toolstack: console keys in xenstore, consoled started/restarted).
CONSOLE_FIXTURE := $(OBJ)/host/tests/integration/console_fixture.o \
	$(OBJ)/host/tests/integration/console_expect.o
CONSOLE_TESTS := $(TESTBIN)/integration/test_consoled $(TESTBIN)/integration/test_consoled_robust
$(CONSOLE_FIXTURE) $(patsubst $(TESTBIN)/%,$(OBJ)/host/tests/%.o,$(CONSOLE_TESTS)): \
	HOST_CFLAGS += -Ihypervisor -Itoolstack/xsclient -Ibackends/consoled
$(CONSOLE_TESTS): $(CONSOLE_FIXTURE) $(GUEST_STORE_FIXTURE) $(DAEMON_FIXTURE) $(XS_FIXTURE) \
		$(XSCLIENT_LIB) $(HVCTL_LIB) $(CONSCLIENT_LIB)

# Block frontend: nido's blkfront handshake against a backend played in
# xenstore by the test (test_blkfront_xenbus).
$(TESTBIN)/integration/test_blkfront_xenbus: $(GUEST_STORE_FIXTURE) $(DAEMON_FIXTURE) \
		$(XS_FIXTURE) $(XSCLIENT_LIB) $(HVCTL_LIB)
$(OBJ)/host/tests/integration/test_blkfront_xenbus.o: HOST_CFLAGS += -Ihypervisor -Itoolstack/xsclient

# Block: nido's disk through hospes-blkback (blk_fixture.c plays the
# toolstack: images, vbd directories in xenstore, blkback started/killed).
BLK_FIXTURE := $(OBJ)/host/tests/integration/blk_fixture.o \
	$(OBJ)/host/tests/integration/blk_fixture_dom.o
BLK_TESTS := $(patsubst tests/integration/%.c,$(TESTBIN)/integration/%,$(wildcard tests/integration/test_blkback*.c))
$(BLK_FIXTURE) $(patsubst $(TESTBIN)/%,$(OBJ)/host/tests/%.o,$(BLK_TESTS)): \
	HOST_CFLAGS += -Ihypervisor -Itoolstack/xsclient
$(BLK_TESTS): $(BLK_FIXTURE) $(GUEST_STORE_FIXTURE) $(DAEMON_FIXTURE) $(XS_FIXTURE) \
		$(XSCLIENT_LIB) $(HVCTL_LIB)
# blkback's control socket and its side of a detach (no guest: the test
# writes the vbd directories and plays the frontend in xenstore); hospesd's
# block test asks the socket too.
$(TESTBIN)/integration/test_blkback_ctl $(TESTBIN)/integration/test_hospesd_block: $(BCTL_CLIENT_OBJS)
$(OBJ)/host/tests/integration/test_blkback_ctl.o $(OBJ)/host/tests/integration/test_hospesd_block.o: \
	HOST_CFLAGS += -Ibackends/common
# nido's blkfront data path and reconnection through hospes-blkback.
$(OBJ)/host/tests/integration/test_blkfront.o: HOST_CFLAGS += -Ihypervisor -Itoolstack/xsclient
$(TESTBIN)/integration/test_blkfront: $(BLK_FIXTURE) $(GUEST_STORE_FIXTURE) $(DAEMON_FIXTURE) \
		$(XS_FIXTURE) $(XSCLIENT_LIB) $(HVCTL_LIB)
$(TESTBIN)/integration/test_blkfront_hostile: $(GUEST_STORE_FIXTURE) $(DAEMON_FIXTURE) \
		$(XS_FIXTURE) $(XSCLIENT_LIB) $(HVCTL_LIB)
$(OBJ)/host/tests/integration/test_blkfront_hostile.o: HOST_CFLAGS += -Ihypervisor -Itoolstack/xsclient

# Network: nido's netfront through hospes-netback, in a network namespace
# the test creates (the test plays the toolstack's part for vifs). What
# the network tests share: net_fixture.c (the namespace, netback in it,
# TAP and stats checks; hospesd's network test too) and
# net_fixture_vif.c (vif directories).
NET_FIXTURE := $(OBJ)/host/tests/integration/net_fixture.o
NET_VIF_FIXTURE := $(OBJ)/host/tests/integration/net_fixture_vif.o
$(NET_VIF_FIXTURE): HOST_CFLAGS += -Ihypervisor -Itoolstack/xsclient
$(TESTBIN)/integration/test_hospesd_net: $(NET_FIXTURE)
$(OBJ)/host/tests/integration/test_netback.o: HOST_CFLAGS += -Ihypervisor -Itoolstack/xsclient
$(TESTBIN)/integration/test_netback: $(NET_FIXTURE) $(NET_VIF_FIXTURE) $(GUEST_STORE_FIXTURE) \
		$(DAEMON_FIXTURE) $(XS_FIXTURE) $(XSCLIENT_LIB) $(HVCTL_LIB)
# The guest's side of it: nido pinging and sending to the host, serving
# while asleep, reconnecting after a netback restart.
$(OBJ)/host/tests/integration/test_netfront.o: HOST_CFLAGS += -Ihypervisor -Itoolstack/xsclient
$(TESTBIN)/integration/test_netfront: $(NET_FIXTURE) $(NET_VIF_FIXTURE) $(GUEST_STORE_FIXTURE) \
		$(DAEMON_FIXTURE) $(XS_FIXTURE) $(XSCLIENT_LIB) $(HVCTL_LIB)
