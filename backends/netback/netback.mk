# netback: hospes-netback, the PV network backend daemon (libuv, one TAP
# per vif), on backends/common (XBB_OBJS from blkback.mk).

NETBACK_SRCS := \
	backends/netback/nb_main.c \
	backends/netback/nb_dev.c \
	backends/netback/nb_tap.c \
	backends/netback/nb_tx.c \
	backends/netback/nb_rx.c \
	backends/netback/nb_stats.c \
	backends/netback/nb_check.c

NETBACK_OBJS := $(patsubst %.c,$(OBJ)/host/%.o,$(NETBACK_SRCS))

$(OBJ)/host/backends/netback/%.o: HOST_CFLAGS += $(LIBUV_CFLAGS) -Ihypervisor -Itoolstack/xsclient -Ibackends/common

$(BIN)/hospes-netback: $(NETBACK_OBJS) $(XBB_OBJS) $(XSCLIENT_LIB) $(HVCTL_LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ $(LIBUV_LIBS) $(HOST_LDLIBS)

ALL_HOST_PROGS += $(BIN)/hospes-netback
UNIT_OBJS_netback := $(OBJ)/host/backends/netback/nb_check.o
$(OBJ)/host/tests/unit/netback/%.o: HOST_CFLAGS += -Ibackends/netback -Ibackends/common $(LIBUV_CFLAGS)
