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
	guest-kernel-patches/nido/shell.c

NIDO_OBJS := $(patsubst %.c,$(OBJ)/guest/%.o,$(NIDO_SRCS))

$(eval $(call guest_link,$(GUESTS)/nido.elf,$(NIDO_OBJS),))
ALL_GUESTS += $(GUESTS)/nido.elf
