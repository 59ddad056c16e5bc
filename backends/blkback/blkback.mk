# blkback: hospes-blkback, the PV block backend daemon (libuv + io_uring),
# and backends/common, the backend half of the xenbus handshake it uses.

XBB_SRCS := backends/common/xbb_log.c backends/common/xbb_keys.c backends/common/xbb_state.c backends/common/xbb_scan.c \
	backends/common/bctl_proto.c backends/common/bctl_server.c \
	backends/common/bk_daemon.c backends/common/bk_daemon_serve.c backends/common/bk_stats.c
# The control socket's client half (hospesd links it).
BCTL_CLIENT_OBJS := $(OBJ)/host/backends/common/bctl_client.o $(OBJ)/host/backends/common/bctl_proto.o
BLKBACK_SRCS := \
	backends/blkback/bb_main.c \
	backends/blkback/bb_dev.c \
	backends/blkback/bb_ring.c \
	backends/blkback/bb_io.c \
	backends/blkback/bb_grant.c \
	backends/blkback/bb_stats.c \
	backends/blkback/bb_check.c

XBB_OBJS := $(patsubst %.c,$(OBJ)/host/%.o,$(XBB_SRCS))
BLKBACK_OBJS := $(patsubst %.c,$(OBJ)/host/%.o,$(BLKBACK_SRCS))

$(OBJ)/host/backends/common/%.o: HOST_CFLAGS += $(LIBUV_CFLAGS) -Itoolstack/xsclient
$(OBJ)/host/backends/blkback/%.o: HOST_CFLAGS += $(LIBUV_CFLAGS) -Ihypervisor -Itoolstack/xsclient -Ibackends/common

$(BIN)/hospes-blkback: $(BLKBACK_OBJS) $(XBB_OBJS) $(XSCLIENT_LIB) $(HVCTL_LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ $(LIBUV_LIBS) -luring $(HOST_LDLIBS)

ALL_HOST_PROGS += $(BIN)/hospes-blkback
UNIT_OBJS_blkback := $(OBJ)/host/backends/blkback/bb_check.o $(OBJ)/host/backends/common/xbb_keys.o \
	$(OBJ)/host/backends/common/xbb_log.o $(OBJ)/host/backends/common/bctl_proto.o
$(OBJ)/host/tests/unit/blkback/%.o: HOST_CFLAGS += -Ibackends/blkback -Ibackends/common $(LIBUV_CFLAGS)

# hospesd asks hospes-blkback's control socket whether it is up, and
# checks its clients as hospes-consoled does (bk_peer).
$(BIN)/hospesd: $(BCTL_CLIENT_OBJS) $(OBJ)/host/backends/common/bk_peer.o
$(OBJ)/host/toolstack/hospesd/hd_super.o $(OBJ)/host/toolstack/hospesd/hd_auth.o: \
	HOST_CFLAGS += -Ibackends/common
