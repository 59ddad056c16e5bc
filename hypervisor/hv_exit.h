/* hv_exit.h: exit statuses of `hospes-hv run` (documented in README.md). */
#ifndef HOSPES_HV_EXIT_H
#define HOSPES_HV_EXIT_H

#define HV_EXIT_POWEROFF 0   /* SHUTDOWN_poweroff */
#define HV_EXIT_ERROR 1      /* hospes-hv failed (bad kernel file, no KVM...) */
#define HV_EXIT_USAGE 2      /* bad command line */
#define HV_EXIT_REBOOT 3     /* SHUTDOWN_reboot */
#define HV_EXIT_CRASH 4      /* SHUTDOWN_crash (guest-reported) */
#define HV_EXIT_SUSPEND 5    /* SHUTDOWN_suspend */
#define HV_EXIT_FAULT 6      /* hypervisor-detected guest fault */
#define HV_EXIT_WATCHDOG 7   /* SHUTDOWN_watchdog */
#define HV_EXIT_SOFT_RESET 8 /* SHUTDOWN_soft_reset */
#define HV_EXIT_DESTROYED 9  /* destroyed by SIGINT/SIGTERM */

#endif
