/* memory.h: the check groups of the memory conformance guest. */
#ifndef CONFORMANCE_MEMORY_H
#define CONFORMANCE_MEMORY_H

#include "conf.h"

/* Frames this guest gives back and takes again; nothing else lives there
 * (the image is at 1 MiB, boot information at the top of RAM). */
#define SMALL_GFN 0x2600ul /* 38 MiB: 4 KiB frames */
#define BIG_GFN 0x2800ul   /* 40 MiB: two 2 MiB extents */
#define NOT_RAM_GFN 0x100000ul

long mem_op(unsigned int cmd, void *arg);
/* A reservation call with the given fields (domid DOMID_SELF unless
 * changed afterwards through mem_res_call). */
long mem_res(unsigned int cmd, const uint64_t *list, uint64_t n, unsigned order, uint32_t flags);
long mem_res_call(unsigned int cmd, struct xen_memory_reservation *r);

void conf_memory_info(void);
void conf_memory_reservations(void);
void conf_multicall(void);

#endif
