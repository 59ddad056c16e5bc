# stored: hospes-stored, the xenstore daemon. XS_CORE_SRCS is the store
# without the socket transport; unit tests link against those objects.

XS_CORE_SRCS := \
	toolstack/stored/xs_log.c \
	toolstack/stored/xs_path.c \
	toolstack/stored/xs_perm.c \
	toolstack/stored/xs_node.c \
	toolstack/stored/xs_tree.c \
	toolstack/stored/xs_txn.c \
	toolstack/stored/xs_watch.c \
	toolstack/stored/xs_quota.c \
	toolstack/stored/xs_domain.c \
	toolstack/stored/xs_conn.c \
	toolstack/stored/xs_dispatch.c \
	toolstack/stored/xs_mutate.c \
	toolstack/stored/xs_ops_tree.c \
	toolstack/stored/xs_ops_misc.c \
	toolstack/stored/xs_persist_parse.c

XS_MAIN_SRCS := \
	toolstack/stored/xs_uv.c \
	toolstack/stored/xs_ring.c \
	toolstack/stored/xs_ring_io.c \
	toolstack/stored/xs_hv.c \
	toolstack/stored/xs_hv_watch.c \
	toolstack/stored/xs_persist.c \
	toolstack/stored/xs_main.c

XS_CORE_OBJS := $(patsubst %.c,$(OBJ)/host/%.o,$(XS_CORE_SRCS))
XS_MAIN_OBJS := $(patsubst %.c,$(OBJ)/host/%.o,$(XS_MAIN_SRCS))
UNIT_OBJS_stored := $(XS_CORE_OBJS)

LIBUV_CFLAGS := $(shell pkg-config --cflags libuv 2>/dev/null)
LIBUV_LIBS := $(shell pkg-config --libs libuv 2>/dev/null || echo -luv)
$(XS_MAIN_OBJS): HOST_CFLAGS += $(LIBUV_CFLAGS) -Ihypervisor

# Guest rings: hospes-stored is a client of hospes-hv's control socket.
$(BIN)/hospes-stored: $(XS_CORE_OBJS) $(XS_MAIN_OBJS) $(HVCTL_LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ $(LIBUV_LIBS) $(HOST_LDLIBS)

ALL_HOST_PROGS += $(BIN)/hospes-stored

# Unit tests also link the in-memory capture transport.
UNIT_OBJS_stored += $(OBJ)/host/tests/unit/stored/capture.o
