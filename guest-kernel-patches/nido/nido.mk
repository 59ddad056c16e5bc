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
	frontends/block/blkfront_sync.c

NIDO_OBJS := $(patsubst %.c,$(OBJ)/guest/%.o,$(NIDO_SRCS))
# Block frontend (frontends/): nido's disk.
$(OBJ)/guest/guest-kernel-patches/nido/%.o $(OBJ)/guest/frontends/%.o: \
	GUEST_CFLAGS += -Ifrontends/include -Ifrontends/block

$(eval $(call guest_link,$(GUESTS)/nido.elf,$(NIDO_OBJS),))
ALL_GUESTS += $(GUESTS)/nido.elf
