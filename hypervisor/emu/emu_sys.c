/* emu_sys.c: system instructions and interrupt delivery: control
 * registers (with EFER.LMA following CR0.PG), MSRs, CPUID, descriptor
 * tables, segment loads and far transfers through the GDT, iret, port
 * I/O exits, and delivery through 16-byte long-mode IDT gates (on the
 * current stack at CPL 0, from the TSS on a privilege change or an IST). */
#include "emu_int.h"

/* ---- descriptors ---- */

/* Reads the GDT descriptor of sel into seg; raises vec (#GP, #NP, #SS)
 * with the selector as error code when it is out of bounds or absent. */
static void read_desc(struct emu_cpu *c, uint16_t sel, struct kvm_segment *seg, uint8_t np_vec)
{
	const struct kvm_sregs *s = c->sregs;
	uint64_t d;

	if (sel & 4)
		emu_raise_err(c, EMU_X_GP, sel & ~3u); /* no LDTs */
	if ((uint32_t)(sel & ~7u) + 7 > s->gdt.limit)
		emu_raise_err(c, EMU_X_GP, sel & ~3u);
	d = emu_read_lin(c, s->gdt.base + (sel & ~7u), 8);
	if (!(d & (1ull << 47)))
		emu_raise_err(c, np_vec, sel & ~3u);
	memset(seg, 0, sizeof(*seg));
	seg->selector = sel;
	seg->base = ((d >> 16) & 0xffffff) | (((d >> 56) & 0xff) << 24);
	seg->limit = (uint32_t)((d & 0xffff) | ((d >> 32) & 0xf0000));
	seg->g = (d >> 55) & 1;
	if (seg->g)
		seg->limit = (seg->limit << 12) | 0xfff;
	seg->type = ((d >> 40) & 0xf) | 1; /* accessed */
	seg->s = (d >> 44) & 1;
	seg->dpl = (d >> 45) & 3;
	seg->present = 1;
	seg->avl = (d >> 52) & 1;
	seg->l = (d >> 53) & 1;
	seg->db = (d >> 54) & 1;
}

static struct kvm_segment *seg_reg(struct emu_cpu *c, unsigned seg)
{
	struct kvm_sregs *s = c->sregs;

	switch (seg) {
	case EMU_ES:
		return &s->es;
	case EMU_CS:
		return &s->cs;
	case EMU_SS:
		return &s->ss;
	case EMU_DS:
		return &s->ds;
	case EMU_FS:
		return &s->fs;
	default:
		return &s->gs;
	}
}

void emu_sys_load_seg(struct emu_cpu *c, unsigned seg, uint16_t sel)
{
	struct kvm_segment n;

	if (seg == EMU_CS || seg > EMU_GS)
		emu_raise(c, EMU_X_UD);
	if (!(sel & ~3u)) {
		/* Null selector: allowed for data segments (and SS in 64-bit
		 * code at CPL 0); the register becomes unusable. */
		if (seg == EMU_SS && !c->code64)
			emu_raise_err(c, EMU_X_GP, 0);
		memset(&n, 0, sizeof(n));
		n.selector = sel;
		n.unusable = 1;
		if (c->code64 && (seg == EMU_FS || seg == EMU_GS))
			n.base = seg_reg(c, seg)->base;
	} else {
		read_desc(c, sel, &n, seg == EMU_SS ? EMU_X_SS : EMU_X_NP);
		if (!n.s || ((n.type & 8) && !(n.type & 2)))
			emu_raise_err(c, EMU_X_GP, sel & ~3u); /* system or execute-only */
	}
	*seg_reg(c, seg) = n;
	if (seg == EMU_SS)
		c->shadow_next = true;
}

static void load_cs(struct emu_cpu *c, uint16_t sel)
{
	struct kvm_segment n;

	if (!(sel & ~3u))
		emu_raise_err(c, EMU_X_GP, 0);
	read_desc(c, sel, &n, EMU_X_NP);
	if (!n.s || !(n.type & 8))
		emu_raise_err(c, EMU_X_GP, sel & ~3u);
	if (n.l && n.db)
		emu_raise_err(c, EMU_X_GP, sel & ~3u);
	c->sregs->cs = n;
	emu_mode_update(c);
}

void emu_sys_far_jump(struct emu_cpu *c, uint16_t sel, uint64_t off)
{
	load_cs(c, sel);
	c->in.next = c->code64 ? off : (uint32_t)off;
}

void emu_sys_far_ret(struct emu_cpu *c, unsigned size, uint16_t extra)
{
	uint64_t rsp = c->gpr[EMU_RSP];
	uint64_t off = emu_pop(c, size);
	uint16_t sel = (uint16_t)emu_pop(c, size);
	uint64_t after = c->gpr[EMU_RSP];

	c->gpr[EMU_RSP] = rsp; /* unchanged if the CS load faults */
	load_cs(c, sel);
	c->gpr[EMU_RSP] = after + extra;
	c->in.next = c->code64 ? off : (uint32_t)off;
}

void emu_sys_iret(struct emu_cpu *c, unsigned size)
{
	uint64_t rsp = c->gpr[EMU_RSP], rip, flags, nrsp = 0, ss = 0;
	uint16_t cs;
	bool frame64 = c->lma;

	rip = emu_pop(c, size);
	cs = (uint16_t)emu_pop(c, size);
	flags = emu_pop(c, size);
	if (frame64) {
		nrsp = emu_pop(c, size);
		ss = emu_pop(c, size);
	}
	if (size == 2)
		flags = (c->rflags & ~0xffffull) | (flags & 0xffff);
	c->gpr[EMU_RSP] = rsp;
	load_cs(c, cs);
	if (frame64) {
		emu_sys_load_seg(c, EMU_SS, (uint16_t)ss);
		c->shadow_next = false;
		c->gpr[EMU_RSP] = nrsp;
	} else {
		c->gpr[EMU_RSP] = (uint32_t)(rsp + 3 * size);
	}
	c->rflags = (flags & EMU_FLAGS_WRITABLE) | 2;
	c->in.next = c->code64 ? rip : (uint32_t)rip;
}

/* ---- delivery ---- */

/* (long mode below; deliver32 for 32-bit protected mode) */

/* 32-bit protected mode: 8-byte interrupt/trap gates, a frame of 32-bit
 * words, SS0:ESP0 from the 32-bit TSS on a privilege change. */
static void deliver32(struct emu_cpu *c, uint8_t vec, bool has_err, uint32_t err, bool ext)
{
	struct kvm_sregs *s = c->sregs;
	uint32_t idx_err = vec * 8u + 2 + (ext ? 1 : 0);
	uint64_t g, frame[6];
	struct kvm_segment cs, ss = s->ss;
	uint32_t off, esp;
	unsigned type, n = 0;
	uint8_t old_cpl = c->cpl;
	uint16_t sel;

	if ((uint32_t)vec * 8 + 7 > s->idt.limit)
		emu_raise_err(c, EMU_X_GP, idx_err);
	g = emu_read_lin(c, (uint32_t)(s->idt.base + vec * 8u), 8);
	type = (g >> 40) & 0xf;
	if (type != 0xe && type != 0xf)
		emu_raise_err(c, EMU_X_GP, idx_err); /* task and 16-bit gates too */
	if (!(g & (1ull << 47)))
		emu_raise_err(c, EMU_X_NP, idx_err);
	off = (uint32_t)((g & 0xffff) | ((g >> 32) & 0xffff0000u));
	sel = (uint16_t)(g >> 16);
	read_desc(c, sel, &cs, EMU_X_NP);
	if (!cs.s || !(cs.type & 8) || cs.l)
		emu_raise_err(c, EMU_X_GP, (sel & ~3u) + (ext ? 1 : 0));
	if (cs.dpl < old_cpl) {
		uint16_t ss0 = (uint16_t)emu_read_lin(c, (uint32_t)(s->tr.base + 8), 2);

		esp = (uint32_t)emu_read_lin(c, (uint32_t)(s->tr.base + 4), 4);
		read_desc(c, ss0, &ss, EMU_X_TS);
		frame[n++] = s->ss.selector;
		frame[n++] = (uint32_t)c->gpr[EMU_RSP];
	} else {
		esp = (uint32_t)c->gpr[EMU_RSP];
	}
	frame[n++] = (uint32_t)c->rflags;
	frame[n++] = s->cs.selector;
	frame[n++] = (uint32_t)c->rip;
	if (has_err)
		frame[n++] = err;
	for (unsigned i = 0; i < n; i++)
		emu_write_lin(c, (uint32_t)(ss.base + esp - 4 * (i + 1)), 4, frame[i]);
	c->gpr[EMU_RSP] = (uint32_t)(esp - 4 * n);
	c->rflags &= ~(uint64_t)(EMU_TF | EMU_NT | EMU_RF | (type == 0xe ? EMU_IF : 0));
	cs.selector = (sel & ~3u) | cs.dpl;
	s->cs = cs;
	s->ss = ss;
	c->rip = off;
	emu_mode_update(c);
}

void emu_deliver(struct emu_cpu *c, uint8_t vec, bool has_err, uint32_t err, bool ext)
{
	struct kvm_sregs *s = c->sregs;
	uint32_t idx_err = vec * 8u + 2 + (ext ? 1 : 0);
	uint64_t lo, hi, off, rsp, frame[6];
	struct kvm_segment cs;
	uint16_t sel;
	unsigned type, ist, n = 0;
	uint8_t old_cpl = c->cpl;

	if (!c->lma) {
		deliver32(c, vec, has_err, err, ext);
		return;
	}
	if ((uint32_t)vec * 16 + 15 > s->idt.limit)
		emu_raise_err(c, EMU_X_GP, idx_err);
	lo = emu_read_lin(c, s->idt.base + vec * 16u, 8);
	hi = emu_read_lin(c, s->idt.base + vec * 16u + 8, 8);
	type = (lo >> 40) & 0xf;
	if (type != 0xe && type != 0xf)
		emu_raise_err(c, EMU_X_GP, idx_err);
	if (!(lo & (1ull << 47)))
		emu_raise_err(c, EMU_X_NP, idx_err);
	off = (lo & 0xffff) | ((lo >> 32) & 0xffff0000ull) | (hi << 32);
	sel = (uint16_t)(lo >> 16);
	ist = (lo >> 32) & 7;
	read_desc(c, sel, &cs, EMU_X_NP);
	if (!cs.s || !(cs.type & 8) || !cs.l)
		emu_raise_err(c, EMU_X_GP, (sel & ~3u) + (ext ? 1 : 0));
	if (ist)
		rsp = emu_read_lin(c, s->tr.base + 0x24 + (ist - 1) * 8, 8);
	else if (cs.dpl < old_cpl)
		rsp = emu_read_lin(c, s->tr.base + 4 + cs.dpl * 8, 8);
	else
		rsp = c->gpr[EMU_RSP];
	rsp &= ~15ull;
	frame[n++] = s->ss.selector;
	frame[n++] = c->gpr[EMU_RSP];
	frame[n++] = c->rflags;
	frame[n++] = s->cs.selector;
	frame[n++] = c->rip;
	if (has_err)
		frame[n++] = err;
	for (unsigned i = 0; i < n; i++)
		emu_write_lin(c, rsp - 8 * (i + 1), 8, frame[i]);
	/* Committed only once the frame is written. */
	c->gpr[EMU_RSP] = rsp - 8 * n;
	c->rflags &= ~(uint64_t)(EMU_TF | EMU_NT | EMU_RF | (type == 0xe ? EMU_IF : 0));
	cs.selector = (sel & ~3u) | cs.dpl;
	s->cs = cs;
	if (cs.dpl != old_cpl) {
		memset(&s->ss, 0, sizeof(s->ss));
		s->ss.selector = cs.dpl;
		s->ss.unusable = 1;
	}
	c->rip = off;
	emu_mode_update(c);
}

/* ---- control registers ---- */

void emu_sys_mov_cr(struct emu_cpu *c, bool to_cr)
{
	struct kvm_sregs *s = c->sregs;
	struct emu_insn *in = &c->in;
	unsigned cr = in->reg, r = in->rm;
	uint64_t v;

	if (c->cpl)
		emu_raise_err(c, EMU_X_GP, 0);
	if (!to_cr) {
		switch (cr) {
		case 0:
			v = s->cr0;
			break;
		case 2:
			v = s->cr2;
			break;
		case 3:
			v = s->cr3;
			break;
		case 4:
			v = s->cr4;
			break;
		case 8:
			v = s->cr8;
			break;
		default:
			emu_raise(c, EMU_X_UD);
		}
		c->gpr[r] = c->code64 ? v : (uint32_t)v;
		return;
	}
	v = c->code64 ? c->gpr[r] : (uint32_t)c->gpr[r];
	switch (cr) {
	case 0:
		if ((v & EMU_CR0_PG) && !(v & EMU_CR0_PE))
			emu_raise_err(c, EMU_X_GP, 0);
		if ((v & EMU_CR0_PG) && (s->efer & EMU_EFER_LME) && !(s->cr4 & EMU_CR4_PAE))
			emu_raise_err(c, EMU_X_GP, 0);
		s->cr0 = v | 0x10; /* ET is fixed */
		if ((v & EMU_CR0_PG) && (s->efer & EMU_EFER_LME))
			s->efer |= EMU_EFER_LMA;
		else if (!(v & EMU_CR0_PG))
			s->efer &= ~EMU_EFER_LMA;
		break;
	case 2:
		s->cr2 = v;
		return;
	case 3:
		s->cr3 = v;
		break;
	case 4:
		if (c->lma && !(v & EMU_CR4_PAE))
			emu_raise_err(c, EMU_X_GP, 0);
		s->cr4 = v;
		break;
	case 8:
		if (v > 15)
			emu_raise_err(c, EMU_X_GP, 0);
		s->cr8 = v;
		return;
	default:
		emu_raise(c, EMU_X_UD);
	}
	emu_mode_update(c);
	emu_tlb_flush(c);
}

/* ---- MSRs, CPUID ---- */

/* Reads an MSR the CPU keeps; *known false when it is not one of those. */
static uint64_t msr_read_internal(struct emu_cpu *c, uint32_t idx, bool *known)
{
	struct kvm_sregs *s = c->sregs;

	*known = true;
	switch (idx) {
	case EMU_MSR_EFER:
		return s->efer;
	case EMU_MSR_FS_BASE:
		return s->fs.base;
	case EMU_MSR_GS_BASE:
		return s->gs.base;
	case EMU_MSR_KERNEL_GS_BASE:
		return c->kernel_gs_base;
	case EMU_MSR_STAR:
		return c->star;
	case EMU_MSR_LSTAR:
		return c->lstar;
	case EMU_MSR_CSTAR:
		return c->cstar;
	case EMU_MSR_FMASK:
		return c->fmask;
	case EMU_MSR_PAT:
		return c->pat;
	case EMU_MSR_TSC_AUX:
		return c->tsc_aux;
	case EMU_MSR_TSC:
		return c->ops.rdtsc(c->ops.ctx);
	default:
		*known = false;
		return 0;
	}
}

static bool canonical(uint64_t v)
{
	return (uint64_t)((int64_t)(v << 16) >> 16) == v;
}

/* Writes an MSR the CPU keeps; false when it is not one of those. */
static bool msr_write_internal(struct emu_cpu *c, uint32_t idx, uint64_t v)
{
	struct kvm_sregs *s = c->sregs;

	switch (idx) {
	case EMU_MSR_EFER: {
		uint64_t allowed = EMU_EFER_SCE | EMU_EFER_LME | EMU_EFER_NXE;

		if (v & ~(allowed | EMU_EFER_LMA))
			emu_raise_err(c, EMU_X_GP, 0);
		if (((v ^ s->efer) & EMU_EFER_LME) && (s->cr0 & EMU_CR0_PG))
			emu_raise_err(c, EMU_X_GP, 0);
		s->efer = (v & allowed) | (s->efer & EMU_EFER_LMA);
		emu_mode_update(c);
		emu_tlb_flush(c);
		return true;
	}
	case EMU_MSR_FS_BASE:
	case EMU_MSR_GS_BASE:
	case EMU_MSR_KERNEL_GS_BASE:
	case EMU_MSR_LSTAR:
	case EMU_MSR_CSTAR:
		if (!canonical(v))
			emu_raise_err(c, EMU_X_GP, 0);
		if (idx == EMU_MSR_FS_BASE)
			s->fs.base = v;
		else if (idx == EMU_MSR_GS_BASE)
			s->gs.base = v;
		else if (idx == EMU_MSR_KERNEL_GS_BASE)
			c->kernel_gs_base = v;
		else if (idx == EMU_MSR_LSTAR)
			c->lstar = v;
		else
			c->cstar = v;
		return true;
	case EMU_MSR_STAR:
		c->star = v;
		return true;
	case EMU_MSR_FMASK:
		c->fmask = (uint32_t)v;
		return true;
	case EMU_MSR_PAT:
		c->pat = v;
		return true;
	case EMU_MSR_TSC_AUX:
		c->tsc_aux = (uint32_t)v;
		return true;
	default:
		return false;
	}
}

static _Noreturn void msr_exit(struct emu_cpu *c, bool write, uint32_t idx, uint64_t v)
{
	struct kvm_run *run = c->run;

	run->exit_reason = write ? KVM_EXIT_X86_WRMSR : KVM_EXIT_X86_RDMSR;
	run->msr.index = idx;
	run->msr.data = v;
	run->msr.error = 0;
	run->msr.reason = KVM_MSR_EXIT_REASON_FILTER;
	c->pending = write ? EMU_PEND_WRMSR : EMU_PEND_RDMSR;
	c->pend_rip = c->in.next;
	emu_exit_kvm(c);
}

void emu_sys_rdmsr(struct emu_cpu *c)
{
	uint32_t idx = (uint32_t)c->gpr[EMU_RCX];
	uint64_t v;
	bool known;

	if (c->cpl)
		emu_raise_err(c, EMU_X_GP, 0);
	v = msr_read_internal(c, idx, &known);
	if (!known) {
		int r = c->ops.rdmsr ? c->ops.rdmsr(c->ops.ctx, idx, &v) : EMU_MSR_GP;

		if (r == EMU_MSR_USER)
			msr_exit(c, false, idx, 0);
		if (r != EMU_MSR_OK)
			emu_raise_err(c, EMU_X_GP, 0);
	}
	c->gpr[EMU_RAX] = (uint32_t)v;
	c->gpr[EMU_RDX] = v >> 32;
}

void emu_sys_wrmsr(struct emu_cpu *c)
{
	uint32_t idx = (uint32_t)c->gpr[EMU_RCX];
	uint64_t v = (uint32_t)c->gpr[EMU_RAX] | (c->gpr[EMU_RDX] << 32);
	int r;

	if (c->cpl)
		emu_raise_err(c, EMU_X_GP, 0);
	if (msr_write_internal(c, idx, v))
		return;
	r = c->ops.wrmsr ? c->ops.wrmsr(c->ops.ctx, idx, v) : EMU_MSR_GP;
	if (r == EMU_MSR_USER)
		msr_exit(c, true, idx, v);
	if (r != EMU_MSR_OK)
		emu_raise_err(c, EMU_X_GP, 0);
}

void emu_sys_cpuid(struct emu_cpu *c)
{
	uint32_t out[4] = {0};

	c->ops.cpuid(c->ops.ctx, (uint32_t)c->gpr[EMU_RAX], (uint32_t)c->gpr[EMU_RCX], out);
	c->gpr[EMU_RAX] = out[0];
	c->gpr[EMU_RBX] = out[1];
	c->gpr[EMU_RCX] = out[2];
	c->gpr[EMU_RDX] = out[3];
}

/* ---- 0F 01 ---- */

void emu_sys_group7(struct emu_cpu *c)
{
	struct emu_insn *in = &c->in;
	struct kvm_sregs *s = c->sregs;
	unsigned k = in->reg & 7;
	unsigned bsize = c->code64 ? 8 : 4;
	uint64_t lin, base;
	uint16_t limit;

	if (in->mod == 3 && k == 4) { /* smsw r */
		emu_reg_put(c, in->rm, in->opsize, s->cr0);
		return;
	}
	if (in->mod == 3 && k == 6) { /* lmsw r */
		if (c->cpl)
			emu_raise_err(c, EMU_X_GP, 0);
		s->cr0 = (s->cr0 & ~0xfull) | (c->gpr[in->rm] & 0xf) | (s->cr0 & 1);
		emu_mode_update(c);
		return;
	}
	if (in->mod == 3) {
		switch (in->modrm) {
		case 0xf8: { /* swapgs */
			uint64_t t = s->gs.base;

			if (!c->code64 || c->cpl)
				emu_raise(c, EMU_X_UD);
			s->gs.base = c->kernel_gs_base;
			c->kernel_gs_base = t;
			return;
		}
		case 0xf9: { /* rdtscp */
			uint64_t t = c->ops.rdtsc(c->ops.ctx);

			c->gpr[EMU_RAX] = (uint32_t)t;
			c->gpr[EMU_RDX] = t >> 32;
			c->gpr[EMU_RCX] = (uint32_t)c->tsc_aux;
			return;
		}
		default:
			emu_unsupported(c); /* vmcall, vmmcall, monitor, xgetbv... */
		}
	}
	if (c->cpl && k != 0 && k != 1 && k != 4)
		emu_raise_err(c, EMU_X_GP, 0);
	lin = emu_ea_lin(c);
	switch (k) {
	case 0: /* sgdt */
	case 1: /* sidt */
		base = k ? s->idt.base : s->gdt.base;
		limit = k ? s->idt.limit : s->gdt.limit;
		emu_write_lin(c, lin, 2, limit);
		emu_write_lin(c, lin + 2, bsize, base);
		return;
	case 2: /* lgdt */
	case 3: /* lidt */
		limit = (uint16_t)emu_read_lin(c, lin, 2);
		base = emu_read_lin(c, lin + 2, bsize);
		if (!c->code64 && in->opsize == 2)
			base &= 0xffffff;
		if (k == 2) {
			s->gdt.base = base;
			s->gdt.limit = limit;
		} else {
			s->idt.base = base;
			s->idt.limit = limit;
		}
		return;
	case 4: /* smsw */
		emu_write_lin(c, lin, 2, s->cr0 & 0xffff);
		return;
	case 6: /* lmsw: PE can be set, not cleared */
		s->cr0 = (s->cr0 & ~0xfull) | (emu_read_lin(c, lin, 2) & 0xf) | (s->cr0 & 1);
		emu_mode_update(c);
		return;
	case 7: /* invlpg */
		emu_tlb_flush_page(c, lin);
		return;
	default:
		emu_unsupported(c);
	}
}

/* ---- port I/O ---- */

void emu_sys_io(struct emu_cpu *c, bool in, uint16_t port, unsigned size)
{
	struct kvm_run *run = c->run;

	if (c->cpl > ((c->rflags & EMU_IOPL) >> 12))
		emu_raise_err(c, EMU_X_GP, 0); /* no I/O permission bitmap */
	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = in ? KVM_EXIT_IO_IN : KVM_EXIT_IO_OUT;
	run->io.size = (uint8_t)size;
	run->io.port = port;
	run->io.count = 1;
	run->io.data_offset = c->io_offset;
	c->insns++;
	if (in) {
		c->pending = EMU_PEND_IN;
		c->pend_size = (uint8_t)size;
		c->pend_rip = c->in.next;
	} else {
		memcpy((uint8_t *)run + c->io_offset, &c->gpr[EMU_RAX], size);
		c->rip = c->in.next;
	}
	emu_exit_kvm(c);
}
