# Benchmarks: helper programs run by tests/bench/run-bench.sh (make bench).

$(BIN)/bench/kvm_floor: $(OBJ)/host/tests/bench/kvm_floor.o $(OBJ)/host/tests/bench/kvm_floor_guest.o \
		$(OBJ)/host/tests/bench/kvm_floor_irqfd.o $(OBJ)/host/tests/bench/kvm_floor_irqfd_guest.o
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ -lpthread

$(OBJ)/host/tests/bench/%.o: tests/bench/%.S
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -c -o $@ $<

ALL_BENCH_PROGS += $(BIN)/bench/kvm_floor

# Timers: the bare LAPIC TSC-deadline timer floor (timer_lateness_*).
$(BIN)/bench/kvm_timer_floor: $(OBJ)/host/tests/bench/kvm_timer_floor.o $(OBJ)/host/tests/bench/kvm_timer_floor_guest.o
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^

ALL_BENCH_PROGS += $(BIN)/bench/kvm_timer_floor

# Ballooning: the host's own memfd give-back rate (balloon_free).
$(BIN)/bench/balloon_floor: $(OBJ)/host/tests/bench/balloon_floor.o
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^

ALL_BENCH_PROGS += $(BIN)/bench/balloon_floor

# Events: guest<->dom0 event round trip through the daemon (evtchn_pingpong).
$(BIN)/bench/evtchn_pingpong: $(OBJ)/host/tests/bench/evtchn_pingpong.o $(HVCTL_LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^

$(OBJ)/host/tests/bench/evtchn_pingpong.o: HOST_CFLAGS += -Ihypervisor

ALL_BENCH_PROGS += $(BIN)/bench/evtchn_pingpong

# Shared rings: guest->dom0 stream through mapped grants / grant copy
# (ring_grant_map, ring_grant_copy); ring_dom0.o is also test_ring_dom0's.
$(OBJ)/host/tests/bench/ring_dom0.o $(OBJ)/host/tests/bench/ring_stream.o: HOST_CFLAGS += -Ihypervisor
$(BIN)/bench/ring_stream: $(OBJ)/host/tests/bench/ring_stream.o $(OBJ)/host/tests/bench/ring_dom0.o $(HVCTL_LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^

ALL_BENCH_PROGS += $(BIN)/bench/ring_stream

# The toolstack's steps the three guest benchmarks share.
GUEST_BENCH_OBJ := $(OBJ)/host/tests/bench/guest_bench.o
$(GUEST_BENCH_OBJ): HOST_CFLAGS += -Ihypervisor -Itoolstack/xsclient

# Xenstore from a guest: nido's READ round trip over its ring (xs_guest_read).
$(BIN)/bench/xs_guest_bench: $(OBJ)/host/tests/bench/xs_guest_bench.o $(GUEST_BENCH_OBJ) $(XSCLIENT_LIB) $(HVCTL_LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ $(HOST_LDLIBS)

$(OBJ)/host/tests/bench/xs_guest_bench.o: HOST_CFLAGS += -Ihypervisor -Itoolstack/xsclient
ALL_BENCH_PROGS += $(BIN)/bench/xs_guest_bench

# Block: nido's blk-bench through hospes-blkback (blk_seq_*, blk_rand*_4k,
# blk_backend_cpu); the baseline is fio on the same image file.
$(BIN)/bench/blk_guest_bench: $(OBJ)/host/tests/bench/blk_guest_bench.o $(GUEST_BENCH_OBJ) $(XSCLIENT_LIB) $(HVCTL_LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ $(HOST_LDLIBS)

$(OBJ)/host/tests/bench/blk_guest_bench.o: HOST_CFLAGS += -Ihypervisor -Itoolstack/xsclient
ALL_BENCH_PROGS += $(BIN)/bench/blk_guest_bench

# Network: nido behind hospes-netback in a network namespace (net_ping_rtt);
# the baseline is a veth pair between two namespaces.
$(BIN)/bench/net_guest_bench: $(OBJ)/host/tests/bench/net_guest_bench.o $(GUEST_BENCH_OBJ) $(XSCLIENT_LIB) $(HVCTL_LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ $(HOST_LDLIBS)

$(OBJ)/host/tests/bench/net_guest_bench.o: HOST_CFLAGS += -Ihypervisor -Itoolstack/xsclient
ALL_BENCH_PROGS += $(BIN)/bench/net_guest_bench

# Boot path: guest instructions before the first console output, counted
# without KVM by single-stepping the kernel image (create_to_console).
$(OBJ)/host/tests/bench/boot_insns.o: HOST_CFLAGS += -Ihypervisor
$(BIN)/bench/boot_insns: $(OBJ)/host/tests/bench/boot_insns.o $(HVCTL_LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^

ALL_BENCH_PROGS += $(BIN)/bench/boot_insns
