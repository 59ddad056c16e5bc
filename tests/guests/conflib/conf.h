/* conf.h: the conformance library shared by the conformance guests (conflib/)
 * and the checks of the first conformance guest. Each check prints
 * "CHECK <name> <raw result>"; the host test holds the expected values. */
#ifndef CONF_H
#define CONF_H

#include <pvabi.h>

/* A guest-virtual address with nothing mapped (PML4 slot 224 is empty). */
#define CONF_UNMAPPED ((void *)0x0000700000000000ul)

/* A 2 MiB window mapped with 4 KiB pages (window.c): page 0 read-write,
 * page 1 read-only, page 2 not present. Beyond the domain's RAM. */
#define CONF_WIN 0x80000000ul
#define CONF_WIN_RW ((char *)CONF_WIN)
#define CONF_WIN_RO ((char *)CONF_WIN + 0x1000)
#define CONF_WIN_ABSENT ((char *)CONF_WIN + 0x2000)
/* Messages at the start and at the very end of the read-only page. */
#define CONF_RO_HEAD "conformance: readonly ok\n"
#define CONF_RO_TAIL "conformance: boundary ok\n"

/* check.c: conf_init() installs the trap hook and the test window;
 * conf_done() prints "CONFORMANCE DONE <n>". Report one check each. */
void conf_init(void);
void conf_done(void);
extern unsigned int conf_nr_checks;
void conf_check(const char *name, long value);
void conf_check_str(const char *name, const char *value);
void conf_check_hex(const char *name, uint64_t value);

/* probe.S: run fn(arg) and return -1 if it returned, or the exception
 * vector if it faulted (the trap hook unwinds back into conf_probe). */
long conf_probe(void (*fn)(void *), void *arg);

void conf_window_map(void);

#endif
