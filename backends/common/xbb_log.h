/* xbb_log.h: logging shared by the backend daemons (blkback, consoled). */
#ifndef HOSPES_XBB_LOG_H
#define HOSPES_XBB_LOG_H

/* Names the program in lines without a domain; set it first in main. */
extern const char *xbb_progname;
/* stderr: timestamp, dom<domid> (or xbb_progname when domid < 0), message. */
void xbb_log(int domid, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
