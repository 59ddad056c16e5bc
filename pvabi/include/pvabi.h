/* pvabi.h: the guest library API a kernel ported to Hospes (or Xen PVH)
 * calls. Freestanding: needs only the compiler's <stdint.h>, <stddef.h>,
 * <stdarg.h>. Errors are negative Xen errno values (pvabi/errno.h).
 *
 * Life cycle: the PVH entry stub (boot.S) enters long mode on static,
 * identity-mapped page tables (first 4 GiB, 2 MiB pages), switches to the
 * boot stack (BSS arrives zeroed by the loader, SPEC.md §1.1) and calls
 * pvabi_start(), which installs the exception table, finds the
 * hypervisor, installs the hypercall page and calls the kernel's
 * pvabi_kernel_main(). When that returns the domain is powered off. */
#ifndef PVABI_H
#define PVABI_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <pvabi/console_io.h>
#include <pvabi/cpuid.h>
#include <pvabi/errno.h>
#include <pvabi/event_channel.h>
#include <pvabi/grant_table.h>
#include <pvabi/hvm_op.h>
#include <pvabi/hvm_start_info.h>
#include <pvabi/memory.h>
#include <pvabi/multicall.h>
#include <pvabi/ring.h>
#include <pvabi/sched.h>
#include <pvabi/shared_info.h>
#include <pvabi/vcpu.h>
#include <pvabi/version.h>
#include <pvabi/xen.h>
#include <pvabi/xenbus_state.h>

#define PVABI_NORETURN __attribute__((noreturn))
#define PVABI_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* ---- Boot -------------------------------------------------------------- */

/* What pvabi_start() found; valid for the life of the kernel. */
struct pvabi_boot {
	const struct hvm_start_info *start_info; /* as given in EBX (identity-mapped) */
	const char *cmdline;                     /* never NULL; "" if none */
	const struct hvm_memmap_table_entry *memmap; /* NULL if memmap_entries == 0 */
	uint32_t memmap_entries;
	uint32_t nr_modules;
	const struct hvm_modlist_entry *modules; /* NULL if nr_modules == 0 */
	uint32_t xen_version;   /* XENVER_version: (major << 16) | minor */
	uint32_t cpuid_base;    /* e.g. 0x40000000 */
	uint32_t hypercall_msr; /* MSR that installed the hypercall page */
	uint32_t features;      /* XENVER_get_features submap 0 (0 if it failed) */
	uintptr_t image_start;  /* first byte of the loaded image */
	uintptr_t image_end;    /* end of the image including BSS */
};

/* Defined by the kernel: called once on the boot stack (16 KiB) with
 * interrupts disabled. Returning powers the domain off. */
void pvabi_kernel_main(const struct pvabi_boot *boot);

/* The boot information (same pointer as passed to pvabi_kernel_main). */
const struct pvabi_boot *pvabi_boot_info(void);

/* Command-line options (space-separated words, "key=value" or bare).
 * pvabi_cmdline_get copies key's value (truncated to size - 1, NUL
 * terminated) and returns 1, or returns 0 if key is absent.
 * pvabi_cmdline_num returns key's leading decimal value, or absent if key
 * is missing or does not start with a digit. pvabi_cmdline_has returns 1 if
 * word appears as a whole word (e.g. "mode=spin"). */
int pvabi_cmdline_get(const char *cmdline, const char *key, char *buf, size_t size);
long pvabi_cmdline_num(const char *cmdline, const char *key, long absent);
int pvabi_cmdline_has(const char *cmdline, const char *word);

/* Entry points (for reference; the linker script names the ELF entry). */
void pvabi_pvh_entry32(void);
PVABI_NORETURN void pvabi_start(struct hvm_start_info *start_info);

/* Boot page tables: identity map of the first 4 GiB with 2 MiB pages.
 * pvabi_boot_pd holds 4 page directories back to back: entry i maps
 * [i << 21, (i + 1) << 21). A kernel may replace an entry with a pointer to
 * its own 4 KiB page table (flags P|RW = 3) and then reload CR3. */
extern uint64_t pvabi_boot_pml4[512];
extern uint64_t pvabi_boot_pdpt[512];
extern uint64_t pvabi_boot_pd[4 * 512];
#define PVABI_PTE_P 0x1ull
#define PVABI_PTE_RW 0x2ull
#define PVABI_PTE_PS 0x80ull
#define PVABI_PTE_NX (1ull << 63)

/* Linker-script symbols bounding the image. */
extern char __pvabi_image_start[], __pvabi_image_end[];
extern char __pvabi_bss_start[], __pvabi_bss_end[];

/* ---- Hypercalls -------------------------------------------------------- */

/* The page the hypervisor fills with 128 stubs of 32 bytes when its MSR is
 * written; stub nr is at pvabi_hypercall_page + nr * 32. Only valid after
 * pvabi_start() installed it (before that it is zeros). */
extern uint8_t pvabi_hypercall_page[4096];

/* pvabi_hypercallN(nr, args...): call stub nr (< 128) with the x86-64 Xen
 * convention (RAX nr; RDI, RSI, RDX, R10, R8). Returns RAX: a result or a
 * negative errno (-XEN_ENOSYS for unknown numbers). RDI..R8 are treated as
 * clobbered. nr >= 128 is the caller's bug (use pvabi_hypercall_trap). */
#define PVABI_HCALL_STUB(nr) ((void *)(pvabi_hypercall_page + (unsigned long)(nr) * 32))

static inline long pvabi_hypercall5(unsigned int nr, unsigned long a1, unsigned long a2,
				    unsigned long a3, unsigned long a4, unsigned long a5)
{
	long ret;
	register unsigned long r10 __asm__("r10") = a4;
	register unsigned long r8 __asm__("r8") = a5;
	__asm__ volatile("call *%[stub]"
			 : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
			 : [stub] "r"(PVABI_HCALL_STUB(nr))
			 : "memory");
	return ret;
}

static inline long pvabi_hypercall0(unsigned int nr)
{
	return pvabi_hypercall5(nr, 0, 0, 0, 0, 0);
}

static inline long pvabi_hypercall1(unsigned int nr, unsigned long a1)
{
	return pvabi_hypercall5(nr, a1, 0, 0, 0, 0);
}

static inline long pvabi_hypercall2(unsigned int nr, unsigned long a1, unsigned long a2)
{
	return pvabi_hypercall5(nr, a1, a2, 0, 0, 0);
}

static inline long pvabi_hypercall3(unsigned int nr, unsigned long a1, unsigned long a2,
				    unsigned long a3)
{
	return pvabi_hypercall5(nr, a1, a2, a3, 0, 0);
}

static inline long pvabi_hypercall4(unsigned int nr, unsigned long a1, unsigned long a2,
				    unsigned long a3, unsigned long a4)
{
	return pvabi_hypercall5(nr, a1, a2, a3, a4, 0);
}

/* Trap directly with `out %eax, $PVABI_HYPERCALL_PORT`, bypassing the page:
 * any nr (even >= 128) reaches the hypervisor's dispatcher. Same registers
 * and results as pvabi_hypercallN. Hospes-specific (not on real Xen). */
static inline long pvabi_hypercall_trap(unsigned int nr, unsigned long a1, unsigned long a2,
					unsigned long a3, unsigned long a4, unsigned long a5)
{
	long ret = nr;
	register unsigned long r10 __asm__("r10") = a4;
	register unsigned long r8 __asm__("r8") = a5;
	__asm__ volatile("outl %%eax, %[port]"
			 : "+a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
			 : [port] "i"(PVABI_HYPERCALL_PORT)
			 : "memory");
	return ret;
}

/* xen_version(cmd, arg): arg is the sub-op's buffer or NULL (version.h).
 * Errors: -ENOSYS unknown cmd, -EFAULT bad buffer, -EINVAL bad submap. */
long pvabi_xen_version(int cmd, void *arg);
/* console_io(cmd, count, buf): CONSOLEIO_write returns 0, CONSOLEIO_read the
 * bytes read. Errors: -EFAULT, -EPERM, -ENOSYS. */
long pvabi_console_io(int cmd, unsigned int count, void *buf);
/* sched_op(cmd, arg): see sched.h. Errors: -EINVAL, -EFAULT, -EPERM, -ENOSYS. */
long pvabi_sched_op(int cmd, void *arg);

/* ---- Memory and multicall (memory.c, multicall.c) ---------------------- */

/* memory_op(cmd, arg): see memory.h and SPEC.md §11. Reservation sub-ops
 * return the number of extents done (a short count, never an errno, for
 * any problem); the others a value or -EFAULT, -ESRCH, -EPERM, -EINVAL,
 * -ENOSYS. */
long pvabi_memory_op(unsigned int cmd, void *arg);
/* Gives back (decrease_reservation) or re-backs (populate_physmap) the n
 * extents of 2^order frames whose first frames are listed in gfns (order 0
 * or 9 in practice; at most 9). Returns how many extents were done, in
 * list order. A given-back frame must not be touched until it is
 * repopulated: on Hospes that stops the domain with a fault. Repopulated
 * frames read as zeros. Consecutive list entries with adjacent frames are
 * handled as one run, so sorted lists are cheapest. */
long pvabi_balloon_release(const uint64_t *gfns, unsigned long n, unsigned order);
long pvabi_balloon_populate(const uint64_t *gfns, unsigned long n, unsigned order);
/* One 2 MiB extent at frame gfn (a multiple of 512): 0 or -ENOMEM. */
long pvabi_balloon_release_2m(uint64_t gfn);
long pvabi_balloon_populate_2m(uint64_t gfn);
/* XENMEM_current_reservation / maximum_reservation / maximum_gpfn for
 * DOMID_SELF: pages (or the highest frame), or a negative errno. */
long pvabi_memory_pages(unsigned int cmd);
/* multicall(calls, nr): runs each entry's hypercall in order and stores its
 * RAX in .result. Returns 0, -EFAULT (bad array; entries before the bad
 * one ran) or -EINVAL (nr > PVABI_MULTICALL_MAX). A nested multicall
 * entry gets -EINVAL as its result. */
long pvabi_multicall(struct multicall_entry *calls, unsigned int nr);

/* ---- vCPUs (smp.c) ----------------------------------------------------- */

/* At most this many vCPUs are counted and started. */
#define PVABI_MAX_VCPUS 8

/* vcpu_op(cmd, id, arg): see vcpu.h. Errors: -ENOENT (no such vCPU),
 * -EINVAL, -EEXIST (already initialised), -EFAULT, -ENOSYS. */
long pvabi_vcpu_op(int cmd, unsigned int id, void *arg);

/* Number of vCPUs the domain has (at most PVABI_MAX_VCPUS): probes
 * VCPUOP_is_up for ids 1, 2, ... until -ENOENT (Xen has no count call);
 * the result is cached. */
unsigned int pvabi_vcpu_count(void);

/* Starts offline vCPU id (1..count-1) at entry(arg) on the stack ending at
 * stack_top, in 64-bit mode on the caller's page tables, CR0/CR4/EFER, with
 * pvabi's GDT and IDT loaded and interrupts off. If pvabi_events_init ran
 * before, the new vCPU also calls pvabi_events_cpu_init() before entry
 * (x2APIC on, the same upcall vector registered for it; its vcpu_info is
 * its shared_info slot), so entry only has to enable interrupts; should
 * that fail the vCPU panics. When entry returns the
 * vCPU takes itself down (VCPUOP_down). A vCPU starts once: a second start
 * returns -EEXIST. Not thread-safe: start vCPUs from one CPU at a time.
 * Returns 0 or -EINVAL, -ENOENT, -EEXIST, -EFAULT. */
typedef void (*pvabi_vcpu_entry_t)(void *arg);
int pvabi_vcpu_start(unsigned int id, pvabi_vcpu_entry_t entry, void *arg, void *stack_top);

/* The calling vCPU's id: 0 until the first pvabi_vcpu_start, then read
 * from the per-CPU block its GS base points at. */
unsigned int pvabi_cpu_id(void);

/* ---- Events (events.c, arch/x86_64/upcall.S) --------------------------- */

/* Ports below this can have a handler (the table is static). */
#define PVABI_EVTCHN_HANDLED_PORTS 1024

/* event_channel_op(cmd, arg) and hvm_op(cmd, arg): see event_channel.h,
 * hvm_op.h and SPEC.md §8. Errors as listed there. */
long pvabi_event_channel_op(int cmd, void *arg);
long pvabi_hvm_op(int cmd, void *arg);

/* Maps shared_info (XENMEM_add_to_physmap onto a page of pvabi's BSS),
 * masks every port, enables the x2APIC (EOI is then one wrmsr) and makes
 * vector (0x20..0xfe) the calling vCPU's upcall vector
 * (HVMOP_set_evtchn_upcall_vector); the upcall entry EOIs the APIC.
 * Interrupts stay off: call pvabi_irq_enable(). 0 or a negative errno.
 * Call it on vCPU 0 before starting other vCPUs: pvabi_vcpu_start then
 * runs pvabi_events_cpu_init() (same vector) on each new vCPU. A vCPU
 * started another way calls pvabi_events_cpu_init() itself. */
int pvabi_events_init(unsigned int vector);
int pvabi_events_cpu_init(void);
/* Alternative: the domain-wide callback (HVM_PARAM_CALLBACK_IRQ type 2)
 * with vector; delivered outside the APIC, so the entry does not EOI. Used
 * by guests that keep the APIC off. Only one of the two per domain: the
 * per-vCPU vector wins where both are set. */
int pvabi_events_init_callback(unsigned int vector);

/* The mapped shared_info page and the calling vCPU's vcpu_info slot in it
 * (NULL before pvabi_events_init*). */
struct shared_info *pvabi_shared_info(void);
struct vcpu_info *pvabi_vcpu_info(void);
/* Moves the calling vCPU's vcpu_info to vi (64 bytes, 8-aligned, not
 * crossing a page, identity-mapped; VCPUOP_register_vcpu_info, once per
 * vCPU). The hypervisor then sets upcall_pending and every selector bit so
 * the next upcall rescans. 0 or -EINVAL, -EFAULT. */
int pvabi_vcpu_info_register(struct vcpu_info *vi);

/* Called from the upcall with interrupts off for each pending, unmasked
 * port routed to the vCPU (below), after its pending bit was cleared (so a
 * send during the handler raises a new upcall), on that vCPU. */
typedef void (*pvabi_evtchn_handler_t)(evtchn_port_t port, void *arg);
/* Sets port's handler and unmasks it (fn NULL: masks it). -EINVAL for port
 * 0, ports >= PVABI_EVTCHN_HANDLED_PORTS, or before pvabi_events_init*. */
int pvabi_evtchn_bind_handler(evtchn_port_t port, pvabi_evtchn_handler_t fn, void *arg);
/* Mask bit: set with one locked instruction; unmask clears it, or, when the
 * port is pending, asks the hypervisor (EVTCHNOP_unmask) so the event is
 * delivered exactly once. */
void pvabi_evtchn_mask(evtchn_port_t port);
void pvabi_evtchn_unmask(evtchn_port_t port);
int pvabi_evtchn_is_pending(evtchn_port_t port);
/* Sleeps until port is pending, then clears it: for a masked port without
 * a handler, callable with interrupts off. The hypervisor decides whether
 * to sleep (SCHEDOP_poll returns at once for a pending port), so a send
 * after the caller's last look at shared memory is never slept through;
 * `sti; hlt` leaves that to the CPU's one-instruction interrupt shadow,
 * which an emulating host may not honour. 0 or a negative errno. */
int pvabi_evtchn_wait(evtchn_port_t port);

/* Routing: each vCPU's upcall handles only the ports routed to it, which
 * must be the vCPU the hypervisor notifies. bind_virq and bind_ipi route
 * the new port to their vcpu, bind_vcpu moves it (masked around the move;
 * a pending event is re-raised on the new vCPU), close and reset route
 * back to vCPU 0; every other port (alloc_unbound, bind_interdomain)
 * starts on vCPU 0. A port bound or moved with a raw hypercall must be
 * routed with pvabi_evtchn_set_cpu. Not thread-safe for one port. */
void pvabi_evtchn_set_cpu(evtchn_port_t port, unsigned int cpu);
unsigned int pvabi_evtchn_cpu(evtchn_port_t port);

/* EVTCHNOP wrappers (DOMID_SELF where a domain is asked): 0 or a negative
 * errno; the new port through *port. */
long pvabi_evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port);
long pvabi_evtchn_bind_interdomain(domid_t remote, evtchn_port_t rport, evtchn_port_t *port);
long pvabi_evtchn_bind_virq(uint32_t virq, uint32_t vcpu, evtchn_port_t *port);
long pvabi_evtchn_bind_ipi(uint32_t vcpu, evtchn_port_t *port);
long pvabi_evtchn_bind_vcpu(evtchn_port_t port, uint32_t vcpu);
long pvabi_evtchn_send(evtchn_port_t port);
long pvabi_evtchn_close(evtchn_port_t port);
long pvabi_evtchn_status(struct evtchn_status *st);
long pvabi_evtchn_reset(void);

/* RFLAGS.IF: upcalls are ordinary interrupts. */
static inline void pvabi_irq_enable(void)
{
	__asm__ volatile("sti" : : : "memory");
}

static inline void pvabi_irq_disable(void)
{
	__asm__ volatile("cli" : : : "memory");
}

/* ---- Time (time.c) ----------------------------------------------------- */

struct vcpu_time_info;
struct shared_info;

/* System time (ns since the domain was created) from a PV clock, with the
 * version retry loop (SPEC.md §9.2). */
uint64_t pvabi_pvclock_read(const volatile struct vcpu_time_info *t);
/* The wall clock: UTC ns at system time 0 (shared_info wc_*, §9.3). */
uint64_t pvabi_wallclock_read(const volatile struct shared_info *s);
/* Tells the time functions where shared_info is mapped (whoever maps it
 * calls this). pvabi_time_ns reads the calling vCPU's legacy vcpu_info
 * slot (vCPUs 0..31) there. */
void pvabi_time_attach(const volatile struct shared_info *s);
/* The calling vCPU's system time; 0 before pvabi_time_attach. */
uint64_t pvabi_time_ns(void);
/* UTC now in ns (wall clock + system time); 0 before pvabi_time_attach. */
uint64_t pvabi_utc_ns(void);
/* Timers of the calling vCPU (§9.4); expiry raises VIRQ_TIMER. Return 0
 * or -errno: -ETIME (VCPU_SSHOTTMR_future and the deadline passed),
 * -EINVAL (period below 1 ms), -EFAULT. deadline 0 cancels set_timer_op. */
long pvabi_set_timer_op(uint64_t deadline_ns);
long pvabi_singleshot_timer(uint64_t deadline_ns, uint32_t flags);
long pvabi_stop_singleshot_timer(void);
long pvabi_periodic_timer(uint64_t period_ns);
long pvabi_stop_periodic_timer(void);

/* ---- CPU helpers ------------------------------------------------------- */

struct pvabi_cpuid {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct pvabi_cpuid pvabi_cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct pvabi_cpuid r;
	__asm__ volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(subleaf));
	return r;
}

static inline uint64_t pvabi_rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void pvabi_wrmsr(uint32_t msr, uint64_t val)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32))
			 : "memory");
}

static inline uint64_t pvabi_rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void pvabi_outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t pvabi_inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t pvabi_read_cr3(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline void pvabi_write_cr3(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline void pvabi_invlpg(const void *va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

/* ---- Console ----------------------------------------------------------- */

/* Write len bytes to the hypervisor console (CONSOLEIO_write). Falls back
 * to the debug port when the call returns -ENOSYS or the hypercall page is
 * not installed yet. Returns 0 or a negative errno (-EFAULT, -EPERM). */
int pvabi_console_write(const char *buf, size_t len);
/* Write len bytes to port 0xE9 with outb (one exit per byte: slow). */
void pvabi_debugcon_write(const char *buf, size_t len);

/* Console ring (console_ring.c, SPEC.md §16). pvabi_console_ring_init
 * finds the ring page and port (HVM_PARAM_CONSOLE_PFN/EVTCHN) and masks
 * the port (it is waited on with SCHEDOP_poll): 0, -ENOENT when the domain
 * has no console ring, -EINVAL before pvabi_events_init*. From then on
 * pvabi_console_write (and printf) go to the ring: one publish and at most
 * one notification per call; a full ring blocks on the port until the
 * backend drains it (nothing is dropped). If the backend ever writes an
 * impossible index the ring is abandoned and output goes back to
 * console_io. pvabi_console_read takes up to size bytes of input without
 * blocking: the count (0 = none yet), -ENODEV without a usable ring.
 * pvabi_console_wait blocks until the next console event (input arrived
 * or output consumed); callers look at the ring again after it. */
int pvabi_console_ring_init(void);
int pvabi_console_ring_attached(void);
int pvabi_console_ring_write(const char *buf, size_t len);
long pvabi_console_read(char *buf, size_t size);
void pvabi_console_wait(void);
evtchn_port_t pvabi_console_port(void);

/* printf family: %d %i %u %x %X %p %s %c %%, modifiers l ll z, a field
 * width, flags 0 and -. pvabi_printf formats into a 256-byte buffer and
 * writes it with one hypercall (longer output takes one per 256 bytes).
 * Returns the number of characters produced. snprintf truncates and
 * always NUL-terminates when size > 0; returns the untruncated length. */
int pvabi_printf(const char *fmt, ...) PVABI_PRINTF(1, 2);
int pvabi_vprintf(const char *fmt, va_list ap);
int pvabi_snprintf(char *buf, size_t size, const char *fmt, ...) PVABI_PRINTF(3, 4);
int pvabi_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* ---- Memory map, features ---------------------------------------------- */

/* Sum of the sizes of RAM (type 1) entries. */
uint64_t pvabi_memmap_ram_total(const struct pvabi_boot *boot);
/* Entry i, or NULL if i is out of range. */
const struct hvm_memmap_table_entry *pvabi_memmap_entry(const struct pvabi_boot *boot,
							uint32_t i);
/* "RAM", "reserved", "ACPI", "NVS", "unusable", "disabled", "PMEM", or NULL
 * for an unknown type. */
const char *pvabi_memmap_type_name(uint32_t type);

/* 1 if XENFEAT bit is set in the features read at boot, else 0 (bits >= 32
 * are never set: only submap 0 exists). */
int pvabi_has_feature(unsigned int bit);

/* ---- Shutdown ---------------------------------------------------------- */

/* SCHEDOP_shutdown with reason (SHUTDOWN_*). Does not return: should the
 * hypervisor return (e.g. after a suspend), the vCPU halts with interrupts
 * off. */
PVABI_NORETURN void pvabi_shutdown(unsigned int reason);
/* Print "panic: <message>" and shut down with SHUTDOWN_crash. */
PVABI_NORETURN void pvabi_panic(const char *fmt, ...) PVABI_PRINTF(1, 2);

/* ---- Exceptions -------------------------------------------------------- */

/* The frame every exception stub (vectors 0-31) builds. Lowest address
 * first. error_code is 0 for vectors without one. */
struct pvabi_trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

/* Called for every exception with the frame. Returning nonzero resumes at
 * frame->rip with the (possibly modified) frame; returning 0 falls through
 * to the default: print the vector, error code, RIP, CR2 and registers,
 * then SHUTDOWN_crash. hook may be NULL. Returns the previous hook. */
typedef int (*pvabi_trap_hook_t)(struct pvabi_trap_frame *frame);
pvabi_trap_hook_t pvabi_set_trap_hook(pvabi_trap_hook_t hook);

/* Install an interrupt gate (kernel code segment, DPL 0, IST 0) for vector
 * (32..255) to handler, which must end with iretq. The IDT has 256 slots;
 * 32..255 are absent until set. Returns 0 or -EINVAL for vectors < 32. */
int pvabi_set_idt_gate(unsigned int vector, void (*handler)(void));

/* Name of exception vector v, e.g. "#PF page fault"; "interrupt" for v >= 32. */
const char *pvabi_exception_name(unsigned int vector);

/* ---- Xenstore client (xenbus.c, xenbus_api.c, xenbus_ring.c) ---------- */

/* The xenstore protocol over the domain's ring page (SPEC.md §13). One
 * request at a time: not thread-safe, call from one vCPU, never from an
 * event-channel handler (watch handlers may). Paths may be absolute or
 * relative (the daemon resolves relative ones under /local/domain/<domid>).
 * tx is a transaction id from
 * pvabi_xenbus_transaction_start, or 0 for none. Errors: negative Xen
 * errno; an XS_ERROR reply gives the errno its name stands for (unknown
 * names -EINVAL); -EIO once the ring or a reply was malformed (a length
 * above XENSTORE_PAYLOAD_MAX, indices more than a ring apart): the
 * connection then stays unusable. */

/* Reads HVM_PARAM_STORE_PFN and _EVTCHN (either 0: -ENOENT, xenstore not
 * offered), masks the port (it is waited on with SCHEDOP_poll, never
 * taken by the upcall) and blocks until the page's connection field is
 * XENSTORE_CONNECTED. Needs pvabi_events_init* first (-EINVAL otherwise)
 * and the ring frame below 4 GiB (identity map). Idempotent. */
int pvabi_xenbus_init(void);
/* READ / DIRECTORY: the reply (a value; or child names each followed by
 * NUL) is copied to buf, truncated to size - 1 bytes and NUL-terminated
 * (if size > 0). Returns the full reply length: >= size means truncated. */
long pvabi_xenbus_read(uint32_t tx, const char *path, char *buf, size_t size);
long pvabi_xenbus_directory(uint32_t tx, const char *path, char *buf, size_t size);
/* WRITE (value without its NUL), MKDIR, RM: 0 or a negative errno. */
int pvabi_xenbus_write(uint32_t tx, const char *path, const char *value);
int pvabi_xenbus_mkdir(uint32_t tx, const char *path);
int pvabi_xenbus_rm(uint32_t tx, const char *path);
/* Transactions: start gives a non-zero id in *tx; end commits (abort 0) or
 * aborts; a conflicting commit returns -EAGAIN and the caller redoes the
 * whole transaction. */
int pvabi_xenbus_transaction_start(uint32_t *tx);
int pvabi_xenbus_transaction_end(uint32_t tx, int abort);

/* Watches (at most 16, tokens unique and shorter than 64 bytes). Events
 * that arrive while a reply is awaited are queued in arrival order and
 * delivered by pvabi_xenbus_dispatch (which also takes events already on
 * the ring, without waiting) or pvabi_xenbus_wait_event (blocks until at
 * least one was delivered); both return the number of handlers called
 * (events for tokens no longer watched are discarded) or a negative errno.
 * fn runs in the caller's context; it may issue requests but not dispatch,
 * and path/token are valid only during the call. The
 * server's immediate first event for a new watch is delivered like any
 * other. The queue holds 16 KiB of payloads; events that do not fit are
 * dropped and counted (pvabi_xenbus_events_dropped). watch: 0, -EEXIST
 * (token in use), -ENOSPC (table full), -EINVAL or the server's error;
 * unwatch: -ENOENT for an unknown token. */
typedef void (*pvabi_xenbus_watch_fn)(const char *path, const char *token, void *arg);
int pvabi_xenbus_watch(const char *path, const char *token, pvabi_xenbus_watch_fn fn, void *arg);
int pvabi_xenbus_unwatch(const char *path, const char *token);
int pvabi_xenbus_dispatch(void);
int pvabi_xenbus_wait_event(void);
uint32_t pvabi_xenbus_events_dropped(void);

/* ---- Split-driver frontends (xenbus_front.c), SPEC.md §17.2 ---------- */

/* One frontend device's xenbus side. dir is its directory (relative, e.g.
 * "device/vbd/51712", or absolute); be_state is the backend's state as the
 * watch last read it (0 Unknown when missing or malformed, -1 before the
 * first read) and be_changes counts its changes. Same threading rules as
 * the xenstore client. */
struct pvabi_xenbus_front {
	char dir[96];
	char backend[128];          /* <dir>/backend */
	char be_state_path[136];    /* <backend>/state */
	char token[24];             /* watch token, unique per device */
	domid_t backend_id;         /* <dir>/backend-id */
	int state;                  /* our state as last written */
	volatile int be_state;
	volatile unsigned int be_changes;
};
/* Reads backend and backend-id (-ENOENT if absent, -EINVAL if
 * malformed), writes state Initialising and watches <backend>/state. */
int pvabi_xenbus_front_init(struct pvabi_xenbus_front *f, const char *dir, const char *token);
/* Keys in the frontend dir (read returns like pvabi_xenbus_read). */
long pvabi_xenbus_front_read(struct pvabi_xenbus_front *f, uint32_t tx, const char *key,
			     char *buf, size_t size);
int pvabi_xenbus_front_write(struct pvabi_xenbus_front *f, uint32_t tx, const char *key,
			     const char *value);
int pvabi_xenbus_front_write_num(struct pvabi_xenbus_front *f, uint32_t tx, const char *key,
				 uint64_t value);
/* A decimal key in the backend dir, or absent if missing or malformed. */
uint64_t pvabi_xenbus_front_be_num(struct pvabi_xenbus_front *f, const char *key, uint64_t absent);
int pvabi_xenbus_front_set_state(struct pvabi_xenbus_front *f, int state);
/* Runs queued watch events without waiting; the backend state or -errno. */
int pvabi_xenbus_front_poll(struct pvabi_xenbus_front *f);
/* Sleeps on xenstore events until (1 << be_state) & mask; the state or
 * -errno. */
int pvabi_xenbus_front_wait(struct pvabi_xenbus_front *f, unsigned int mask);
/* Runs fn (which writes the driver's keys with tx) and writes state
 * Initialised in one transaction, redone from the start on -EAGAIN. */
typedef int (*pvabi_xenbus_publish_fn)(struct pvabi_xenbus_front *f, uint32_t tx, void *arg);
int pvabi_xenbus_front_publish(struct pvabi_xenbus_front *f, pvabi_xenbus_publish_fn fn,
			       void *arg);

/* ---- Grant tables (grant.c), SPEC.md §14 ------------------------------- */

/* Refs pvabi_gnttab_init can serve: 512 per frame, at most this many frames. */
#define PVABI_GNTTAB_MAX_FRAMES 4

/* grant_table_op(cmd, array, count): raw call; see grant_table.h. */
long pvabi_grant_table_op(unsigned int cmd, void *arg, unsigned int count);
/* set_version(1), query_size, then maps table frames nr_frames-1..0 at
 * guest frames gpfn_base + i (RAM the kernel set aside, page aligned).
 * 0, -EINVAL (nr_frames 0, above PVABI_GNTTAB_MAX_FRAMES or the
 * hypervisor's max) or the hypercall's error. */
int pvabi_gnttab_init(uint64_t gpfn_base, unsigned int nr_frames);
/* The mapped table (NULL before init) and its number of entries. */
volatile struct grant_entry_v1 *pvabi_gnttab_table(void);
unsigned int pvabi_gnttab_nr_refs(void);
/* Tiny ref allocator over [GNTTAB_NR_RESERVED_ENTRIES, nr_refs): a ref or
 * -ENOSPC; free takes back a ref alloc returned (others are ignored). */
long pvabi_gnttab_alloc_ref(void);
void pvabi_gnttab_free_ref(grant_ref_t ref);
/* Publishes the entry: frame and domid, write barrier, then the flags.
 * 0 or -EINVAL (ref out of range, gfn above 32 bits). */
int pvabi_gnttab_grant_access(grant_ref_t ref, domid_t domid, uint64_t gfn, int readonly);
/* Revokes: locked cmpxchg of flags to 0, refused with -EBUSY while the
 * peer has it mapped or is copying (GTF_reading/GTF_writing). */
int pvabi_gnttab_end_access(grant_ref_t ref);
/* One GNTTABOP_map_grant_ref with GNTMAP_host_map at gpa. Returns the
 * hypercall's negative errno if the call failed, else the entry's GNTST_*
 * status (0 = mapped, *handle set). */
long pvabi_gnttab_map(domid_t dom, grant_ref_t ref, uint64_t gpa, int readonly,
		      grant_handle_t *handle);
/* One GNTTABOP_unmap_grant_ref; returns like pvabi_gnttab_map. */
long pvabi_gnttab_unmap(uint64_t gpa, grant_handle_t handle);
/* GNTTABOP_copy over n ops in one call: 0 (per-op status in each op) or
 * the hypercall's negative errno. */
long pvabi_gnttab_copy(struct gnttab_copy *ops, unsigned int n);

/* ---- Shared rings: connecting one (ring.c), SPEC.md §15 -------------- */

/* One end of a ring between two domains. The granting side ("offer")
 * usually produces requests (Xen's frontend), but the ring roles of
 * ring.h are independent of who grants. area: 2^order pages, page
 * aligned, identity-mapped, below 16 TiB (grant frames are 32-bit). */
struct pvabi_ring_conn {
	void *area;
	unsigned int order;
	domid_t peer;
	evtchn_port_t port;                                /* our end */
	grant_ref_t refs[1u << PVABI_RING_MAX_ORDER];       /* page i's ref */
	grant_handle_t handles[1u << PVABI_RING_MAX_ORDER]; /* attach: mappings */
};
/* Granting side (after pvabi_gnttab_init and the typed sring_init of
 * area): grants each page read-write to peer (refs[]) and allocates an
 * unbound port for it (port). Give refs and port to the peer. 0 or
 * -EINVAL, -ENOSPC (no refs), the event channel's error; nothing stays
 * granted on failure. */
int pvabi_ring_offer(struct pvabi_ring_conn *c, void *area, unsigned int order, domid_t peer);
/* Ends access to every page and closes the port: 0, or -EBUSY while the
 * peer still has a page mapped (that ref stays granted; call again). */
int pvabi_ring_revoke(struct pvabi_ring_conn *c);
/* Mapping side: maps the granter's 2^order refs over area (its own frames,
 * which the mapping replaces until detach) and binds remote_port. 0 or
 * -ESRCH (no such domain), -EPERM (not granted to us), -EINVAL, -EAGAIN,
 * the event channel's error; nothing stays mapped on failure. */
int pvabi_ring_attach(struct pvabi_ring_conn *c, void *area, unsigned int order,
			   domid_t granter, const grant_ref_t *refs, evtchn_port_t remote_port);
/* Unmaps every page and closes the port (0 or the first error). */
int pvabi_ring_detach(struct pvabi_ring_conn *c);

/* ---- Strings (freestanding replacements; the compiler may call the
 * mem* ones on its own) ----------------------------------------------------- */

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

#endif
