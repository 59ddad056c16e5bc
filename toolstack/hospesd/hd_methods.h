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

#endif
