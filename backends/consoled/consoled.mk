# consoled: hospes-consoled (the PV console backend daemon, libuv) and the
# hospes-console client; cons_attach.c + cons_proto.c are the client library
# (build/lib/libconsclient.a) the toolstack's console command reuses.

CONSOLED_SRCS := \
	backends/consoled/cons_main.c \
	backends/consoled/cons_dom.c \
	backends/consoled/cons_ring.c \
	backends/consoled/cons_client.c \
	backends/consoled/cons_xs.c \
	backends/consoled/cons_auth.c \
	backends/consoled/cons_proto.c
CONSCLIENT_SRCS := backends/consoled/cons_attach.c backends/consoled/cons_proto.c \
	backends/consoled/cons_session.c

CONSOLED_OBJS := $(patsubst %.c,$(OBJ)/host/%.o,$(CONSOLED_SRCS))
CONSCLIENT_OBJS := $(patsubst %.c,$(OBJ)/host/%.o,$(CONSCLIENT_SRCS))
CONSCLIENT_LIB := $(BUILD)/lib/libconsclient.a

$(OBJ)/host/backends/consoled/%.o: HOST_CFLAGS += $(LIBUV_CFLAGS) -Ihypervisor -Itoolstack/xsclient \
	-Ibackends/common

$(CONSCLIENT_LIB): $(CONSCLIENT_OBJS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(BIN)/hospes-consoled: $(CONSOLED_OBJS) $(OBJ)/host/backends/common/xbb_log.o \
	$(OBJ)/host/backends/common/bk_daemon.o $(OBJ)/host/backends/common/bk_peer.o \
	$(XSCLIENT_LIB) $(HVCTL_LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ $(LIBUV_LIBS) $(HOST_LDLIBS)

$(BIN)/hospes-console: $(OBJ)/host/backends/consoled/console_cli.o $(CONSCLIENT_LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ $(HOST_LDLIBS)

ALL_HOST_PROGS += $(BIN)/hospes-consoled $(BIN)/hospes-console
UNIT_OBJS_consoled := $(CONSCLIENT_OBJS)
$(OBJ)/host/tests/unit/consoled/%.o: HOST_CFLAGS += -Ibackends/consoled
