# toolstack: hospesd (the toolstack daemon), the hospes CLI and the JSON-RPC
# framing they share (toolstack/rpc). Both link libuv (hospesd) and json-c.

JSONC_CFLAGS := $(shell pkg-config --cflags json-c 2>/dev/null)
JSONC_LIBS := $(shell pkg-config --libs json-c 2>/dev/null || echo -ljson-c)

RPC_SRCS := toolstack/rpc/rpc_frame.c toolstack/rpc/rpc_client.c
RPC_OBJS := $(patsubst %.c,$(OBJ)/host/%.o,$(RPC_SRCS))

# The configuration part of hospesd (no libuv, no sockets): unit-tested.
HD_CONFIG_SRCS := toolstack/hospesd/hd_config.c toolstack/hospesd/hd_cfg_field.c \
	toolstack/hospesd/hd_xlcfg.c \
	toolstack/hospesd/hd_devspec.c toolstack/hospesd/hd_persist.c \
	toolstack/hospesd/hd_log.c
HD_CONFIG_OBJS := $(patsubst %.c,$(OBJ)/host/%.o,$(HD_CONFIG_SRCS))
HD_SRCS := $(filter-out $(HD_CONFIG_SRCS),$(wildcard toolstack/hospesd/hd_*.c))
HD_OBJS := $(patsubst %.c,$(OBJ)/host/%.o,$(HD_SRCS))
CLI_SRCS := $(wildcard toolstack/cli/cli_*.c)
CLI_OBJS := $(patsubst %.c,$(OBJ)/host/%.o,$(CLI_SRCS))

$(RPC_OBJS) $(HD_CONFIG_OBJS) $(HD_OBJS) $(CLI_OBJS): HOST_CFLAGS += $(JSONC_CFLAGS) \
	-Itoolstack/rpc -Itoolstack/hospesd
$(HD_OBJS): HOST_CFLAGS += $(LIBUV_CFLAGS) -Ihypervisor -Itoolstack/xsclient

$(BIN)/hospesd: $(HD_OBJS) $(HD_CONFIG_OBJS) $(RPC_OBJS) $(HVCTL_LIB) $(XSCLIENT_LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ $(LIBUV_LIBS) $(JSONC_LIBS) $(HOST_LDLIBS)

# console: the CLI's console command links libconsclient
$(CLI_OBJS): HOST_CFLAGS += -Ibackends/consoled
$(BIN)/hospes: $(CLI_OBJS) $(RPC_OBJS) $(CONSCLIENT_LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ $(JSONC_LIBS) $(HOST_LDLIBS)

ALL_HOST_PROGS += $(BIN)/hospesd $(BIN)/hospes

UNIT_OBJS_toolstack := $(HD_CONFIG_OBJS) $(RPC_OBJS)
$(OBJ)/host/tests/unit/toolstack/%.o: HOST_CFLAGS += $(JSONC_CFLAGS) -Itoolstack/rpc \
	-Itoolstack/hospesd
$(TESTBIN)/unit/toolstack/%: HOST_LDLIBS += $(JSONC_LIBS)

# Integration tests: hospesd started by the test on a private socket.
HD_ITESTS := $(patsubst tests/integration/%.c,$(TESTBIN)/integration/%,\
	$(wildcard tests/integration/test_hospesd*.c))
$(HD_ITESTS): $(OBJ)/host/tests/integration/hd_fixture.o $(RPC_OBJS) $(XSCLIENT_LIB)
$(HD_ITESTS): HOST_LDLIBS += $(JSONC_LIBS)
$(patsubst $(TESTBIN)/%,$(OBJ)/host/tests/%.o,$(HD_ITESTS)): HOST_CFLAGS += $(JSONC_CFLAGS) \
	-Itoolstack/rpc -Itoolstack/xsclient
$(OBJ)/host/tests/integration/hd_fixture.o: HOST_CFLAGS += $(JSONC_CFLAGS) -Itoolstack/rpc

install: install-toolstack
.PHONY: install-toolstack
install-toolstack: all
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 644 toolstack/man/hospes.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 toolstack/completion/hospes.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/hospes

# Benchmark driver (make bench BENCH=hospesd_rpc or hospesd_create).
$(BIN)/bench/hd_bench: $(OBJ)/host/tests/bench/hd_bench.o $(RPC_OBJS) $(HVCTL_LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ $(JSONC_LIBS) $(HOST_LDLIBS)

$(OBJ)/host/tests/bench/hd_bench.o: HOST_CFLAGS += $(JSONC_CFLAGS) -Itoolstack/rpc -Ihypervisor
ALL_BENCH_PROGS += $(BIN)/bench/hd_bench

# The operator's path (make bench BENCH=create_to_console or create_rate).
$(BIN)/bench/ts_bench: $(OBJ)/host/tests/bench/ts_bench.o $(RPC_OBJS) $(HVCTL_LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ $(JSONC_LIBS) $(HOST_LDLIBS)

$(OBJ)/host/tests/bench/ts_bench.o: HOST_CFLAGS += $(JSONC_CFLAGS) -Itoolstack/rpc -Ihypervisor
ALL_BENCH_PROGS += $(BIN)/bench/ts_bench
