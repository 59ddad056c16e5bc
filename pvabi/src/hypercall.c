/* hypercall.c: typed wrappers over the hypercall page. */
#include "internal.h"

int pvabi_hypercall_ready;

long pvabi_xen_version(int cmd, void *arg)
{
	return pvabi_hypercall2(HYPERCALL_xen_version, (unsigned long)cmd, (unsigned long)arg);
}

long pvabi_console_io(int cmd, unsigned int count, void *buf)
{
	return pvabi_hypercall3(HYPERCALL_console_io, (unsigned long)cmd, count,
				(unsigned long)buf);
}

long pvabi_sched_op(int cmd, void *arg)
{
	return pvabi_hypercall2(HYPERCALL_sched_op, (unsigned long)cmd, (unsigned long)arg);
}
