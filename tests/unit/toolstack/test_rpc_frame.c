/* test_rpc_frame.c: the JSON-RPC line framing (split and joined lines, the
 * size limit) and the reply builders. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rpc.h"

Test(rpc_frame, split_and_joined_lines)
{
	struct rpc_linebuf lb;
	char *l;

	rpc_linebuf_init(&lb);
	cr_assert_eq(rpc_linebuf_feed(&lb, "{\"a\":", 5), 0);
	cr_assert_eq(rpc_linebuf_take(&lb, &l), 0);
	cr_assert_eq(rpc_linebuf_feed(&lb, "1}\n{}\n{", 7), 0);
	cr_assert_eq(rpc_linebuf_take(&lb, &l), 1);
	cr_assert_str_eq(l, "{\"a\":1}");
	free(l);
	cr_assert_eq(rpc_linebuf_take(&lb, &l), 1);
	cr_assert_str_eq(l, "{}");
	free(l);
	cr_assert_eq(rpc_linebuf_take(&lb, &l), 0);
	cr_assert_eq(lb.len, 1);
	rpc_linebuf_free(&lb);
}

Test(rpc_frame, oversized_line_refused)
{
	struct rpc_linebuf lb;
	char *big = malloc(RPC_MAX_LINE + 2);

	memset(big, 'x', RPC_MAX_LINE + 1);
	rpc_linebuf_init(&lb);
	cr_assert_eq(rpc_linebuf_feed(&lb, big, RPC_MAX_LINE), 0);
	cr_assert_eq(rpc_linebuf_feed(&lb, "y", 1), -E2BIG);
	cr_assert_eq(rpc_linebuf_feed(&lb, "\n", 1), -E2BIG);
	rpc_linebuf_free(&lb);
	free(big);
}

Test(rpc_frame, many_small_lines_in_one_burst)
{
	struct rpc_linebuf lb;
	size_t n = 3 * (RPC_MAX_LINE / 5);
	char *burst = malloc(n);
	unsigned lines = 0;
	char *l;

	for (size_t i = 0; i < n; i++)
		burst[i] = i % 3 == 2 ? '\n' : '1';
	rpc_linebuf_init(&lb);
	cr_assert_eq(rpc_linebuf_feed(&lb, burst, n), 0);
	cr_assert_eq(rpc_linebuf_feed(&lb, burst, n), 0);
	while (rpc_linebuf_take(&lb, &l) == 1) {
		cr_assert_str_eq(l, "11");
		free(l);
		lines++;
	}
	cr_assert_eq(lines, 2 * n / 3);
	rpc_linebuf_free(&lb);
	free(burst);
}

Test(rpc_frame, replies)
{
	json_object *id = json_object_new_int(7);
	json_object *r = rpc_error(id, RPC_METHOD_NOT_FOUND, "no such method", NULL);
	size_t len;
	char *s = rpc_serialize(r, &len);

	cr_assert_str_eq(s, "{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32601,\"message\":\"no such method\"}}\n");
	cr_assert_eq(len, strlen(s));
	free(s);
	json_object_put(r);
	r = rpc_result(NULL, json_object_new_string("ok"));
	s = rpc_serialize(r, &len);
	cr_assert_str_eq(s, "{\"jsonrpc\":\"2.0\",\"id\":null,\"result\":\"ok\"}\n");
	free(s);
	json_object_put(r);
	json_object_put(id);
}

Test(rpc_frame, socket_path)
{
	setenv(RPC_SOCKET_ENV, "/tmp/x.sock", 1);
	cr_assert_str_eq(rpc_socket_path("/a"), "/a");
	cr_assert_str_eq(rpc_socket_path(NULL), "/tmp/x.sock");
	unsetenv(RPC_SOCKET_ENV);
	cr_assert_str_eq(rpc_socket_path(NULL), RPC_DEFAULT_SOCKET);
}
