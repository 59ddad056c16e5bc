# libxsclient: the xenstore client library for dom0 programs and tests
# (build/lib/libxsclient.a; unit tests link its objects directly).

XSCLIENT_SRCS := $(wildcard toolstack/xsclient/xsc_*.c)
XSCLIENT_OBJS := $(patsubst %.c,$(OBJ)/host/%.o,$(XSCLIENT_SRCS))
XSCLIENT_LIB := $(BUILD)/lib/libxsclient.a

$(XSCLIENT_LIB): $(XSCLIENT_OBJS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

UNIT_OBJS_xsclient := $(XSCLIENT_OBJS) $(OBJ)/host/tests/unit/xsclient/fake_server.o
$(OBJ)/host/tests/unit/xsclient/%.o: HOST_CFLAGS += -Itoolstack/xsclient

all: $(XSCLIENT_LIB)

# The xenstore integration tests: a private hospes-stored + libxsclient.
XS_FIXTURE := $(OBJ)/host/tests/integration/xs_fixture.o
$(XS_FIXTURE): HOST_CFLAGS += -Itoolstack/xsclient
$(TESTBIN)/integration/test_xenstore_interop: $(XS_FIXTURE) $(XSCLIENT_LIB)
$(OBJ)/host/tests/integration/test_xenstore_interop.o: HOST_CFLAGS += -Itoolstack/xsclient

# Benchmark driver (make bench): xenstore request rates against an echo.
$(BIN)/bench/xs_bench: $(OBJ)/host/tests/bench/xs_bench.o $(OBJ)/host/tests/bench/xs_echo.o \
		$(XSCLIENT_LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ $(HOST_LDLIBS)

$(OBJ)/host/tests/bench/xs_bench.o: HOST_CFLAGS += -Itoolstack/xsclient
ALL_BENCH_PROGS += $(BIN)/bench/xs_bench
