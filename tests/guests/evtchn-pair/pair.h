/* pair.h: the two roles of the evtchn-pair guest and what they share. */
#ifndef EVTCHN_PAIR_H
#define EVTCHN_PAIR_H

#include "conf.h"

#define PAIR_VECTOR 0xf3

/* The value of "key=<decimal>" on the command line, or -1. */
/* Halts with interrupts on until *count reaches n (upcalls end each hlt). */
void pair_wait(volatile unsigned int *count, unsigned int n);
/* 1 if port is pending; clears it (the guest's own ack). */
int pair_take_pending(evtchn_port_t port);
/* EVTCHNOP_status of one of our ports (status field, -errno on failure). */
long pair_status(evtchn_port_t port, struct evtchn_status *st);

void pair_server(domid_t peer, unsigned int n);
void pair_client(domid_t server, unsigned int n, const char *cmdline);

#endif
