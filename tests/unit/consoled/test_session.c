/* test_session.c: the interactive session (cons_session.c) against a
 * daemon played over a socketpair: input that meets a closed attachment
 * still yields the daemon's last output and final status. */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cons_session.h"

/* The daemon ends the attachment a little after refusing input: its last
 * words, STATUS -ESRCH, close. */
static void *daemon_ends(void *arg)
{
	int fd = *(int *)arg;
	struct {
		struct consoled_hdr h;
		char d[3];
		struct consoled_hdr sh;
		struct consoled_status s;
	} __attribute__((packed)) f = {
		{ CONSOLED_DATA, 3 }, { 'b', 'y', 'e' }, { CONSOLED_STATUS, 8 }, { -ESRCH, 0 },
	};

	usleep(200000);
	if (write(fd, &f, sizeof(f)) != (ssize_t)sizeof(f))
		fprintf(stderr, "daemon side: short write\n"); /* "bye" then fails */
	close(fd);
	return NULL;
}

Test(cons_session, input_refused_by_an_ended_attachment_still_shows_the_status)
{
	struct cons_conn c = { .fd = -1 };
	int sv[2], in[2], out[2], saved_in = dup(0), saved_out = dup(1), err = 1;
	enum cons_session_end end;
	char got[16] = "";
	pthread_t t;

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	cr_assert_eq(pipe(in), 0);
	cr_assert_eq(pipe(out), 0);
	c.fd = sv[0];
	/* The daemon no longer reads: our input gets EPIPE, while nothing
	 * is there to read yet. */
	cr_assert_eq(shutdown(sv[1], SHUT_RD), 0);
	cr_assert_eq(write(in[1], "x", 1), 1);
	dup2(in[0], 0);
	dup2(out[1], 1);
	cr_assert_eq(pthread_create(&t, NULL, daemon_ends, &sv[1]), 0);
	end = cons_session_run(&c, &err);
	pthread_join(t, NULL);
	dup2(saved_in, 0);
	dup2(saved_out, 1);
	close(out[1]);
	cr_assert_eq(read(out[0], got, sizeof(got) - 1), 3);
	cr_assert_str_eq(got, "bye");
	cr_assert_eq(end, CONS_SESSION_ENDED, "end %d err %d", end, err);
	cr_assert_eq(err, -ESRCH);
	cons_close(&c);
	close(in[0]);
	close(in[1]);
	close(out[0]);
	close(saved_in);
	close(saved_out);
}
