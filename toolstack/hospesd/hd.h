/* hd.h: hospesd's central types: configuration, domains, services,
 * connections, and the functions each hd_*.c file offers the others.
 * Everything runs on the one libuv loop thread except the domain monitor
 * threads (hd_monitor.c), which only talk to the loop through its queue. */
#ifndef HOSPES_HD_H
#define HOSPES_HD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <json-c/json.h>
#include <uv.h>

#include <pvabi/hvctl.h>

#define HD_NAME_MAX 64
#define HD_PATH_MAX 256
#define HD_CMDLINE_MAX 1024
#define HD_MAX_DEVS 8
#define HD_SPEC_MAX 256

enum hd_action { HD_ACT_DESTROY, HD_ACT_RESTART, HD_ACT_PRESERVE };

/* A validated domain configuration (from JSON or xl.cfg). */
struct hd_config {
	char name[HD_NAME_MAX];
	uint64_t memory;   /* bytes */
	uint64_t maxmem;   /* bytes, >= memory */
	unsigned vcpus;
	char kernel[HD_PATH_MAX];
	char ramdisk[HD_PATH_MAX]; /* "" = none */
	char cmdline[HD_CMDLINE_MAX];
	unsigned nr_disks, nr_vifs;
	char disks[HD_MAX_DEVS][HD_SPEC_MAX]; /* validated xl disk specs */
	char vifs[HD_MAX_DEVS][HD_SPEC_MAX];
	enum hd_action on_poweroff, on_reboot, on_crash;
	bool xenstore; /* give the domain its xenstore ring (default true) */
};

/* A configuration error: the line (0 = unknown) and field it is about. */
struct hd_cfg_error {
	int line;
	char field[32];
	char msg[192];
};

/* hd_config.c: the canonical JSON form <-> struct hd_config. text is the
 * source the object came from (for line numbers), may be NULL. base_dir
 * makes relative kernel/ramdisk paths absolute (NULL: kept). */
int hd_config_from_json(json_object *o, const char *text, const char *base_dir,
			struct hd_config *c, struct hd_cfg_error *err);
json_object *hd_config_to_json(const struct hd_config *c);
const char *hd_action_name(enum hd_action a);
/* Parses JSON text or xl.cfg text (chosen by content: '{' first). */
int hd_config_parse(const char *text, const char *base_dir, struct hd_config *c,
		    struct hd_cfg_error *err);
/* hd_xlcfg.c: xl.cfg text -> the canonical JSON object, and a map of
 * key -> line for error messages (*lines: object of ints). */
int hd_xlcfg_to_json(const char *text, json_object **out, json_object **lines,
		     struct hd_cfg_error *err);
/* hd_devspec.c: validation of xl disk and vif specs. */
int hd_disk_spec_check(const char *spec, char *msg, size_t len);
/* block: a disk spec's fields (format raw|qcow|...; readonly for r/ro). */
struct hd_disk {
	char target[HD_SPEC_MAX], format[32], vdev[32];
	bool readonly, cdrom;
};
int hd_disk_spec_parse(const char *spec, struct hd_disk *out, char *msg, size_t len);
/* block: Xen's virtual-device number for a vdev name, -1 if none. */
long hd_vdev_devid(const char *vdev);
int hd_vif_spec_check(const char *spec, char *msg, size_t len);

/* hd_persist.c: crash-safe file writes (temp, fsync, rename, fsync dir). */
int hd_write_file(const char *path, const char *data, size_t len);
char *hd_read_file(const char *path, size_t max);

/* hd_log.c */
void hd_log(int domid, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Wall-clock seconds. */
double hd_now(void);

#ifndef HD_CONFIG_ONLY

/* Domain record states as hospesd shows them. */
struct hd_dom {
	struct hd_dom *next;
	struct hd_config cfg;
	char uuid[37];
	uint32_t domid;
	uint64_t serial;            /* tells monitor reports of earlier lives apart */
	struct hvctl_dominfo info;  /* the last one seen */
	uint64_t mem_target;        /* bytes, written to memory/target */
	bool ended;                 /* shutdown/fault/error seen, action applied */
	bool preserved;
	int pending_shutdown;       /* 0, or 1 poweroff / 2 reboot asked through xenstore */
	uv_timer_t *shutdown_timer; /* fallback when the guest does not react */
	double shutdown_deadline;   /* wall-clock seconds the fallback fires at */
	double created_at;          /* wall-clock seconds */
	unsigned restarts;          /* rebuilt by on_reboot/on_crash restart or reboot */
	unsigned fast_restarts;     /* consecutive restarts of lives under HD_FAST_LIFE_S */
};

/* Restart actions stop (the domain is preserved) after this many lives in
 * a row that each lasted less than HD_FAST_LIFE_S seconds. */
#define HD_FAST_RESTARTS 10
#define HD_FAST_LIFE_S 2.0

/* block: how long a backend's control socket may take to answer. */
#define HD_BCTL_TIMEOUT_MS 1000

/* Restart backoff of a service: from this, doubling to 5 s. */
#define BACKOFF_MIN_MS 100

struct hd_service {
	const char *name;           /* "hospes-hv", "hospes-stored" */
	char bin[HD_PATH_MAX];
	char sock[HD_PATH_MAX];
	char dir[HD_PATH_MAX];      /* its --state-dir */
	char pidfile[HD_PATH_MAX];
	char logfile[HD_PATH_MAX];
	pid_t pid;
	int pidfd;
	uv_poll_t *poll;
	uv_timer_t *backoff;
	unsigned restarts;
	double started_at;
	unsigned backoff_ms;
	void (*on_up)(struct hd_service *s); /* (re)connect clients */
	/* block: a backend control socket (pvabi/backend_ctl.h): up = it
	 * answers "status" within HD_BCTL_TIMEOUT_MS (hospes-blkback) */
	bool ctl_status;
	/* robust: a call timed out (hd_reach.c); calls fail fast while the
	 * process is stopped, else one is tried again after retry_at */
	bool unresponsive;
	double retry_at;
};

struct hd_conn;

struct hd_state {
	uv_loop_t *loop;
	char state_dir[128]; /* short: service socket paths must fit sun_path */
	char socket[HD_PATH_MAX];
	bool keep_services;
	const char *group;  /* members may use the API (default "hospes") */
	struct hd_service hv, stored;
	/* console: hospes-consoled, supervised like the others */
	struct hd_service consoled;
	/* block: hospes-blkback, supervised like consoled */
	struct hd_service blkback;
	/* net: hospes-netback, supervised like blkback */
	struct hd_service netback;
	struct hvctl *hvc;
	struct xsc *xs;
	struct hd_dom *doms;
	uint64_t next_serial;
	struct hd_conn *conns;
};

extern struct hd_state hd;

/* hd_server.c */
int hd_server_start(void);
/* -EADDRINUSE if a live daemon serves hd.socket (checked before anything starts). */
int hd_server_probe(void);
void hd_server_stop(void);
/* Queues a serialized message to one connection / to every subscriber. */
void hd_conn_send(struct hd_conn *c, json_object *msg);
void hd_event(const char *type, const struct hd_dom *d, const char *extra_key,
	      const char *extra_val);
/* Store watch events for connections watching a token. */
void hd_conn_store_event(const char *path, const char *token);

/* hd_auth.c: 0 if the peer of fd may use hospesd, else -EACCES. */
int hd_auth_peer(int fd, uid_t *uid, pid_t *pid);

/* hd_dispatch.c: one request (or batch) line -> reply (NULL: none). */
json_object *hd_dispatch_line(struct hd_conn *c, const char *line);
/* block: a method that answers later (domain.block_detach) calls
 * hd_reply_later while it runs (dispatch then sends nothing now) and
 * hd_reply_send once done; the reply goes to the connection if it is
 * still open. -EINVAL inside a batch (answer at once there). */
struct hd_later {
	unsigned conn;
	json_object *id;
	bool notification;
};
int hd_reply_later(struct hd_later *out);
/* code 0: result (owned); else an error with message and data (owned). */
void hd_reply_send(struct hd_later *l, json_object *result, int code, const char *message,
		   json_object *data);
bool hd_conn_subscribed(const struct hd_conn *c);
void hd_conn_subscribe(struct hd_conn *c);
unsigned hd_conn_id(const struct hd_conn *c);

/* hd_super.c: supervision of hospes-hv, hospes-stored and hospes-consoled. */
int hd_super_init(const char *self, const char *hv_bin, const char *stored_bin);
/* console: hospes-consoled's binary (NULL: next to hospesd); after hd_super_init. */
int hd_super_init_consoled(const char *self, const char *bin);
/* block: hospes-blkback's binary (NULL: next to hospesd); after hd_super_init. */
int hd_super_init_blkback(const char *self, const char *bin);
/* net: hospes-netback's binary (NULL: next to hospesd); after hd_super_init. */
int hd_super_init_netback(const char *self, const char *bin);
int hd_super_start(struct hd_service *s);
void hd_super_stop_all(void);
/* Stops watching the service's pid (closes the poll handle, then the pidfd). */
void hd_super_unwatch(struct hd_service *s);

/* hd_reach.c (robust): every call to hospes-hv and hospes-stored from the
 * loop waits at most HD_CALL_TIMEOUT_MS (a create HD_CREATE_TIMEOUT_MS);
 * a timeout drops the connection (its stream is out of step). */
#define HD_CALL_TIMEOUT_MS 3000
#define HD_CREATE_TIMEOUT_MS 10000
/* false while s is marked unresponsive and stopped or not yet due a retry */
bool hd_svc_usable(struct hd_service *s);
void hd_svc_timed_out(struct hd_service *s, const char *what);
void hd_svc_answered(struct hd_service *s);
/* The service a -ENOTCONN / -ETIMEDOUT most likely came from. */
const char *hd_svc_down_name(void);

/* hd_domain.c */
struct hd_dom *hd_dom_find(json_object *ref); /* by number or name */
struct hd_dom *hd_dom_by_domid(uint32_t domid);
struct hd_dom *hd_dom_by_name(const char *name);
int hd_dom_create(const struct hd_config *cfg, const char *uuid, bool paused,
		  struct hd_dom **out);
int hd_dom_destroy(struct hd_dom *d);
int hd_dom_refresh(struct hd_dom *d);
void hd_dom_ended(struct hd_dom *d);
/* Stops and frees the shutdown fallback timer, if any. */
void hd_dom_drop_timer(struct hd_dom *d);
int hd_dom_shutdown(struct hd_dom *d, bool reboot, unsigned timeout_ms);
/* (Re)arms the fallback timer for d->shutdown_deadline. */
int hd_dom_arm_shutdown(struct hd_dom *d);
const char *hd_state_name(uint32_t state);
json_object *hd_dom_json(const struct hd_dom *d);
int hd_dom_save(const struct hd_dom *d);
void hd_dom_restore_all(void);
void hd_dom_hv_lost(void);
/* After hospes-hv came back: builds the lost domains whose on_crash is restart. */
void hd_dom_rebuild_lost(void);
/* The hvctl connection, reconnected if it broke. NULL: hv unreachable. */
struct hvctl *hd_hv(void);
/* robust: a call's result; a broken or timed-out connection is dropped. */
int hd_hv_result(int r);

/* hd_store.c: the domain's xenstore keys, INTRODUCE and RELEASE. */
struct xsc *hd_xs(void);
int hd_store_domain(struct hd_dom *d);
void hd_store_forget(struct hd_dom *d);
int hd_store_set_target(struct hd_dom *d, uint64_t bytes);
/* Writes control/shutdown ("poweroff", "reboot"). */
int hd_store_control(struct hd_dom *d, const char *what);
int hd_store_static_max(struct hd_dom *d, uint64_t bytes);
void hd_store_rebuild(void);
/* hospes-stored went away: drop the client handles (reconnected on use). */
void hd_store_lost(void);
int hd_store_watch(const char *path, const char *token);
void hd_store_unwatch_conn(unsigned connid);
/* robust: a call's result; a broken or timed-out connection is dropped. */
int hd_xs_result(int r);

/* hd_vbd.c (block): the vbd keys hospes-blkback serves, detach, counters. */
int hd_vbd_add(const struct hd_dom *d, const char *spec, char *msg, size_t len);
int hd_vbd_add_all(const struct hd_dom *d);   /* every disk of d->cfg */
void hd_vbd_forget(const struct hd_dom *d);   /* the domain's backend dirs */
/* Before building: every disk's spec attachable and its image an
 * absolute path to a regular file openable with its access mode.
 * 0 or -errno with msg naming the disk. */
int hd_vbd_check_config(const struct hd_config *c, char *msg, size_t len);
/* After writing the keys: each disk's backend directory is there (0),
 * else -EIO (logged). */
int hd_vbd_check_written(const struct hd_dom *d);
int hd_vbd_find(const struct hd_dom *d, const char *vdev);
/* How a detach ended: states last seen (-1: node gone), forced when the
 * device did not close before the timeout, domain_gone when the domain
 * was destroyed meanwhile (nothing left to remove). */
struct hd_vbd_detached {
	int be_state, fe_state;
	bool forced, domain_gone;
};
typedef void (*hd_vbd_done_fn)(void *arg, const struct hd_vbd_detached *res);
/* Backend online 0 and Closing; once the backend is Closed or the
 * frontend Closed/gone (at the latest after timeout_ms) both directories
 * go and done runs (on the loop, later). 0, -EBUSY (already detaching),
 * -ENOTCONN, -EINVAL, -ENOMEM. */
int hd_vbd_detach(const struct hd_dom *d, const char *vdev, unsigned timeout_ms,
		  hd_vbd_done_fn done, void *arg);
bool hd_vbd_detaching(const struct hd_dom *d, const char *vdev);
json_object *hd_vbd_stats(const struct hd_dom *d); /* [{vdev, devid, reads...}] */
void hd_vbd_totals(const struct hd_dom *d, int64_t *rd, int64_t *wr);

/* hd_vif.c (net): the vif keys hospes-netback serves, counters. devid =
 * the spec's index in cfg.vifs. */
int hd_vif_add(const struct hd_dom *d, unsigned devid, const char *spec, char *msg, size_t len);
int hd_vif_add_all(const struct hd_dom *d);  /* every vif of d->cfg */
void hd_vif_forget(const struct hd_dom *d);  /* the domain's backend dirs */
/* After hospes-netback stopped with the guests: their TAPs go too. */
void hd_vif_delete_taps(void);
/* The mac of a vif without mac=: 00:16:3e + 3 bytes from uuid and devid. */
void hd_vif_mac(const char *uuid, unsigned devid, char out[18]);
json_object *hd_vif_stats(const struct hd_dom *d); /* [{devid, mac, ifname, tx_packets...}] */
void hd_vif_totals(const struct hd_dom *d, int64_t *tx, int64_t *rx); /* packets */
/* A spec's devid= (-1 if none) and mac (its mac=, else hd_vif_mac). */
int hd_vif_spec_devid(const char *spec);
void hd_vif_spec_mac(const struct hd_dom *d, const char *spec, unsigned devid, char out[18]);
/* The devid of cfg.vifs[i] (its devid=, else i); the index of a devid or -1. */
int hd_vif_devid(const struct hd_dom *d, unsigned i);
int hd_vif_find(const struct hd_dom *d, unsigned devid);
/* Appends devid=<index> to the specs without one, before the list changes. */
void hd_vif_pin_devids(struct hd_dom *d);
/* Detach as for disks (backend Closing, polled, directories removed). */
int hd_vif_detach(const struct hd_dom *d, unsigned devid, unsigned timeout_ms,
		  hd_vbd_done_fn done, void *arg);
bool hd_vif_detaching(const struct hd_dom *d, unsigned devid);

/* hd_monitor.c: one thread per domain waiting on hvctl_wait. */
int hd_monitor_init(void);
int hd_monitor_start(struct hd_dom *d);
void hd_monitor_stop_all(void);

/* hd_methods_*.c: the method table. */
typedef json_object *(*hd_method_fn)(struct hd_conn *c, json_object *params, int *code,
				     char *msg, size_t msglen, json_object **data);
struct hd_method {
	const char *name;
	hd_method_fn fn;
};
extern const struct hd_method hd_dom_methods[];
extern const struct hd_method hd_misc_methods[];

#endif /* HD_CONFIG_ONLY */
#endif
