/* multicall.c: several hypercalls in one exit. */
#include "internal.h"

long pvabi_multicall(struct multicall_entry *calls, unsigned int nr)
{
	return pvabi_hypercall2(HYPERCALL_multicall, (unsigned long)calls, nr);
}
