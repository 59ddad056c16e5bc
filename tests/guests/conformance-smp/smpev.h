/* smpev.h: shared state of the SMP event conformance guest. */
#ifndef CONF_SMPEV_H
#define CONF_SMPEV_H

#include "conf.h"

#define SMPEV_VCPUS 4        /* run with --vcpus 4 */
#define SMPEV_VECTOR 0xf0
#define SMPEV_PORTS 64       /* ports below this are tracked */
#define SMPEV_TIMEOUT_NS 3000000000ull /* hang detector only */

/* Per port: deliveries and the vCPU (+1) that ran the last one; per vCPU:
 * deliveries it ran. relay[p]: the port the handler sends on next. */
extern volatile unsigned int sev_hits[SMPEV_PORTS], sev_where[SMPEV_PORTS];
extern volatile unsigned int sev_cpu_hits[PVABI_MAX_VCPUS];
extern volatile evtchn_port_t sev_relay[SMPEV_PORTS];
/* Set for a vCPU: its next handled event arms a 0 ns (already due)
 * single-shot timer on that vCPU instead of relaying. */
extern volatile int sev_arm_timer[PVABI_MAX_VCPUS];
/* vCPU 0's pong port (relays end here; it only wakes vCPU 0) and how
 * many relays ended there (counted by the sender: concurrent sends on one
 * port merge). */
extern evtchn_port_t sev_pong;
extern volatile unsigned int sev_pongs;

void sev_handler(evtchn_port_t port, void *arg);
/* vCPU 0: waits (halted, interrupts on) until sev_pongs >= want or the
 * hang detector fires; 1 if reached. */
int sev_wait_pongs(unsigned int want);
/* Starts vCPU id running the idle loop (hlt, or SCHEDOP_block if block). */
long sev_start(unsigned int id, int block);
/* Number of SCHEDOP_block returns on a vCPU idling with block. */
extern volatile unsigned int sev_blocks[PVABI_MAX_VCPUS];

void sev_errors(void);
void sev_ipis(void);
void sev_move(void);
void sev_timers(void);
void sev_offline(void);
void sev_apic(void);

#endif
