/* xbb_int.h: state shared by the two halves of backends/common:
 * xbb_state.c (the per-device state machine) and xbb_scan.c (discovery,
 * watches, start and stop). Not part of the interface (xbb.h). */
#ifndef HOSPES_XBB_INT_H
#define HOSPES_XBB_INT_H

#include "xbb.h"

#define XBB_TOKEN_BE "xbb-be"
#define XBB_TOKEN_FE "xbb-fe"

extern struct xsc *xbb_xs;
extern const struct xbb_ops *xbb_ops;

/* xbb_state.c */
void xbb_set_state(struct xbb_dev *d, int st);
/* ops->disconnect if connected. */
void xbb_disconnect(struct xbb_dev *d);
/* Re-reads the frontend's state and follows it. */
void xbb_fe_changed(struct xbb_dev *d);
/* Re-reads the toolstack's online and state keys: detach. */
void xbb_be_changed(struct xbb_dev *d);
/* online = 0 and state = Closing: the toolstack detaches the device. */
bool xbb_detach_requested(struct xbb_dev *d);

#endif
