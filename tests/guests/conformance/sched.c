/* sched.c: sched_op commands, including the invalid and privileged ones. */
#include "chapters.h"

static uint32_t ports[SCHED_POLL_MAX_PORTS + 1];

static long sched(int cmd, void *arg)
{
	return pvabi_sched_op(cmd, arg);
}

static void check_poll(void)
{
	struct sched_poll p = { .ports = ports, .nr_ports = SCHED_POLL_MAX_PORTS + 1 };

	conf_check("sched_op.poll_too_many", sched(SCHEDOP_poll, &p));
	p = (struct sched_poll){ .ports = CONF_UNMAPPED, .nr_ports = 1 };
	conf_check("sched_op.poll_bad_ports_ptr", sched(SCHEDOP_poll, &p));
	ports[0] = 5;
	p = (struct sched_poll){ .ports = ports, .nr_ports = 1 };
	conf_check("sched_op.poll_bad_port", sched(SCHEDOP_poll, &p));
	ports[0] = 0;
	conf_check("sched_op.poll_bad_arg", sched(SCHEDOP_poll, CONF_UNMAPPED));
}

static void check_shutdown(void)
{
	struct sched_shutdown s = { .reason = 99 };
	struct sched_remote_shutdown rs = { .domain_id = 0, .reason = SHUTDOWN_poweroff };

	conf_check("sched_op.shutdown_bad_reason", sched(SCHEDOP_shutdown, &s));
	conf_check("sched_op.shutdown_bad_pointer", sched(SCHEDOP_shutdown, CONF_UNMAPPED));
	s.reason = SHUTDOWN_poweroff;
	conf_check("sched_op.shutdown_code", sched(SCHEDOP_shutdown_code, &s));
	s.reason = 99;
	conf_check("sched_op.shutdown_code_bad_reason", sched(SCHEDOP_shutdown_code, &s));
	conf_check("sched_op.remote_shutdown", sched(SCHEDOP_remote_shutdown, &rs));
}

void conf_sched(void)
{
	struct sched_watchdog wd = { .id = 0, .timeout = 60 };
	int32_t pcpu = 0;
	long rc;

	conf_check("sched_op.yield", sched(SCHEDOP_yield, NULL));
	check_poll();
	check_shutdown();
	rc = sched(SCHEDOP_watchdog, &wd);
	conf_check("sched_op.watchdog", rc);
	if (rc > 0) { /* do not leave a watchdog armed behind */
		wd = (struct sched_watchdog){ .id = (uint32_t)rc, .timeout = 0 };
		sched(SCHEDOP_watchdog, &wd);
	}
	conf_check("sched_op.pin_override", sched(SCHEDOP_pin_override, &pcpu));
	conf_check("sched_op.unknown", sched(42, NULL));
}

/* Polls that must return: no ports and no timeout (nothing to wait for),
 * and a timeout already past (system time 1 ns). SCHEDOP_block waits for
 * an event, so the conformance-time guest checks it with a timer. */
void conf_sched_blocking(void)
{
	struct sched_poll p = { .ports = ports, .nr_ports = 0, .timeout = 0 };

	conf_check("sched_op.poll_no_ports", sched(SCHEDOP_poll, &p));
	p.timeout = 1;
	conf_check("sched_op.poll_past_timeout", sched(SCHEDOP_poll, &p));
}
