/* hd_methods.h: helpers shared by the method files and their handlers. */
#ifndef HOSPES_HD_METHODS_H
#define HOSPES_HD_METHODS_H

#include "hd.h"

/* Sets *code and the message; evaluates to NULL (a method's failure). */
#define FAIL(c, ...) (*code = (c), snprintf(msg, msglen, __VA_ARGS__), (json_object *)NULL)

/* The domain named by params.domain (id or name); NULL with the error set. */
struct hd_dom *hd_m_target(json_object *params, int *code, char *msg, size_t msglen);
/* An errno from hospes-hv as a method error (data.errno). */
json_object *hd_m_failed(int r, int *code, char *msg, size_t msglen, json_object **data);
json_object *hd_m_errno(int err);

/* hd_methods_unmanaged.c (robust): domains hospes-hv holds without a
 * record. 0 if params.domain is the id of one (its info filled). */
int hd_m_unmanaged(json_object *p, uint32_t *domid, struct hvctl_dominfo *info);
json_object *hd_m_unmanaged_json(const struct hvctl_dominfo *info);
/* Adds them to a domain.list array (kept in ascending domid order). */
void hd_m_unmanaged_list(json_object *arr);
/* which: 0 info, 1 pause, 2 unpause, 3 destroy; NULL with *code 0 if p
 * names no unmanaged domain. */
json_object *hd_m_unmanaged_op(json_object *p, int which, int *code, char *msg, size_t msglen,
			       json_object **data);

#define HD_METHOD(name) json_object *name(struct hd_conn *c, json_object *p, int *code, \
					  char *msg, size_t msglen, json_object **data)
HD_METHOD(hd_m_info);
HD_METHOD(hd_m_shutdown);
HD_METHOD(hd_m_reboot);
HD_METHOD(hd_m_mem_set);
HD_METHOD(hd_m_mem_max);
HD_METHOD(hd_m_console); /* console: hd_methods_console.c */
HD_METHOD(hd_m_block_attach); /* block: hd_methods_block.c */
HD_METHOD(hd_m_block_detach);
HD_METHOD(hd_m_network_attach); /* net: hd_methods_net.c */
HD_METHOD(hd_m_network_detach);

#endif
