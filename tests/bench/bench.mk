# Benchmarks: helper programs run by tests/bench/run-bench.sh (make bench).

$(BIN)/bench/kvm_floor: $(OBJ)/host/tests/bench/kvm_floor.o $(OBJ)/host/tests/bench/kvm_floor_guest.o
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^

$(OBJ)/host/tests/bench/%.o: tests/bench/%.S
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -c -o $@ $<

ALL_BENCH_PROGS += $(BIN)/bench/kvm_floor
