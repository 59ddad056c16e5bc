# nido: the reference kernel, linked with pvabi into build/guests/nido.elf.

NIDO_SRCS := \
	guest-kernel-patches/nido/main.c \
	guest-kernel-patches/nido/cmdline.c \
	guest-kernel-patches/nido/info.c \
	guest-kernel-patches/nido/power.c \
	guest-kernel-patches/nido/event.c \
	guest-kernel-patches/nido/timer.c \
	guest-kernel-patches/nido/thread.c \
	guest-kernel-patches/nido/ipi.c \
	guest-kernel-patches/nido/ringdemo.c \
	guest-kernel-patches/nido/shell.c \
	guest-kernel-patches/nido/xs.c \
	guest-kernel-patches/nido/control.c \
	guest-kernel-patches/nido/console_shell.c \
	guest-kernel-patches/nido/blk.c \
	guest-kernel-patches/nido/blk_cmd.c \
	guest-kernel-patches/nido/blk_bench.c \
	frontends/block/blkfront_conn.c \
	frontends/block/blkfront_req.c \
	frontends/block/blkfront_sync.c \
	guest-kernel-patches/nido/net.c \
	guest-kernel-patches/nido/net_ip.c \
	guest-kernel-patches/nido/net_cmd.c \
	frontends/net/netfront_conn.c \
	frontends/net/netfront_ring.c

NIDO_OBJS := $(patsubst %.c,$(OBJ)/guest/%.o,$(NIDO_SRCS))
# Block frontend (frontends/): nido's disk.
$(OBJ)/guest/guest-kernel-patches/nido/%.o $(OBJ)/guest/frontends/%.o: \
	GUEST_CFLAGS += -Ifrontends/include -Ifrontends/block -Ifrontends/net

# The network frontend's data path and nido's IP stack are plain C: the
# host unit tests (tests/unit/netfront/, tests/unit/nido/) build them from
# the same sources.
UNIT_OBJS_netfront := $(OBJ)/host/frontends/net/netfront_ring.o \
	$(OBJ)/host/frontends/net/netfront_conn.o $(OBJ)/host/pvabi/src/xenbus_ring.o \
	$(OBJ)/host/pvabi/src/xenbus_api.o $(OBJ)/host/pvabi/src/xenbus_front.o \
	$(OBJ)/host/guest-kernel-patches/nido/net_ip.o
UNIT_OBJS_nido := $(OBJ)/host/guest-kernel-patches/nido/net_ip.o
$(UNIT_OBJS_netfront) $(UNIT_OBJS_nido): HOST_CFLAGS += -ffreestanding -Ifrontends/include \
	-Ifrontends/net -Iguest-kernel-patches/nido
$(OBJ)/host/tests/unit/netfront/%.o $(OBJ)/host/tests/unit/nido/%.o: HOST_CFLAGS += \
	-Ifrontends/include -Ifrontends/net -Iguest-kernel-patches/nido

$(eval $(call guest_link,$(GUESTS)/nido.elf,$(NIDO_OBJS),))
ALL_GUESTS += $(GUESTS)/nido.elf
