/* test_emu_oracle.c: the software CPU against the host CPU. Every
 * snippet of emu_snippets.S runs natively and on the interpreter from the
 * same random registers and flags (operands biased toward edge values);
 * every GPR and the defined arithmetic flags must agree. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "emu_fixture.h"

void emu_native_call(struct kvm_regs *state, const void *code);

#define F_CF 0x001u
#define F_PF 0x004u
#define F_AF 0x010u
#define F_ZF 0x040u
#define F_SF 0x080u
#define F_OF 0x800u
#define F_ARITH (F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF)
#define F_DF 0x400u

enum kind { K_ANY, K_DIV, K_IDIV, K_CNT16, K_TZCNT };

struct ocase {
	const char *name;
	const uint8_t *start, *end;
	uint32_t undef; /* flags the architecture leaves undefined */
	enum kind kind;
	unsigned size;
};

/* The tables read best as written. */
/* clang-format off */
#define SNIPDECL(n) extern const uint8_t snip_##n[], snip_##n##_end[];
#define C(n, u) { #n, snip_##n, snip_##n##_end, (u), K_ANY, 0 }
#define CK(n, u, k, s) { #n, snip_##n, snip_##n##_end, (u), (k), (s) }

#define ALU_DECL(op)                                                            \
	SNIPDECL(op##b) SNIPDECL(op##w) SNIPDECL(op##l) SNIPDECL(op##q) SNIPDECL(op##q_mem) \
	SNIPDECL(op##l_memsrc) SNIPDECL(op##b_ah)
#define ALU_CASES(op, u)                                                        \
	C(op##b, u), C(op##w, u), C(op##l, u), C(op##q, u), C(op##q_mem, u), C(op##l_memsrc, u), \
		C(op##b_ah, u)
#define IMM_DECL(op) SNIPDECL(op##_imm8) SNIPDECL(op##_imm32) SNIPDECL(op##_acc)
#define IMM_CASES(op, u) C(op##_imm8, u), C(op##_imm32, u), C(op##_acc, u)
#define UN_DECL(op) SNIPDECL(op##b) SNIPDECL(op##w) SNIPDECL(op##l) SNIPDECL(op##q) SNIPDECL(op##q_mem)
#define UN_CASES(op) C(op##b, 0), C(op##w, 0), C(op##l, 0), C(op##q, 0), C(op##q_mem, 0)
#define SH_DECL(op)                                                             \
	SNIPDECL(op##b_cl) SNIPDECL(op##w_cl) SNIPDECL(op##l_cl) SNIPDECL(op##q_cl) SNIPDECL(op##q_1) \
	SNIPDECL(op##_imm) SNIPDECL(op##q_mem)
/* OF is defined for 1-bit shifts only; AF is undefined for shifts. */
#define SH_CASES(op, af)                                                        \
	C(op##b_cl, F_OF | (af)), C(op##w_cl, F_OF | (af)), C(op##l_cl, F_OF | (af)),   \
		C(op##q_cl, F_OF | (af)), C(op##q_1, (af)), C(op##_imm, F_OF | (af)),      \
		C(op##q_mem, F_OF | (af))
#define MD_DECL(op) SNIPDECL(op##b) SNIPDECL(op##w) SNIPDECL(op##l) SNIPDECL(op##q)
#define MUL_CASES(op)                                                           \
	C(op##b, F_SF | F_ZF | F_AF | F_PF), C(op##w, F_SF | F_ZF | F_AF | F_PF),        \
		C(op##l, F_SF | F_ZF | F_AF | F_PF), C(op##q, F_SF | F_ZF | F_AF | F_PF)
#define DIV_CASES(op, k)                                                        \
	CK(op##b, F_ARITH, k, 1), CK(op##w, F_ARITH, k, 2), CK(op##l, F_ARITH, k, 4),    \
		CK(op##q, F_ARITH, k, 8)
#define BT_DECL(op) SNIPDECL(op##q) SNIPDECL(op##l) SNIPDECL(op##w) SNIPDECL(op##_imm) SNIPDECL(op##q_mem)
#define BT_U (F_OF | F_SF | F_AF | F_PF)
#define BT_CASES(op) C(op##q, BT_U), C(op##l, BT_U), C(op##w, BT_U), C(op##_imm, BT_U), C(op##q_mem, BT_U)
#define CC_DECL(cc) SNIPDECL(cmov##cc)
#define CC_CASE(cc) C(cmov##cc, 0)

ALU_DECL(add) ALU_DECL(adc) ALU_DECL(sub) ALU_DECL(sbb) ALU_DECL(and) ALU_DECL(or) ALU_DECL(xor)
ALU_DECL(cmp) ALU_DECL(test)
IMM_DECL(add) IMM_DECL(adc) IMM_DECL(sub) IMM_DECL(sbb) IMM_DECL(and) IMM_DECL(or) IMM_DECL(xor)
IMM_DECL(cmp)
UN_DECL(inc) UN_DECL(dec) UN_DECL(neg) UN_DECL(not)
SH_DECL(rol) SH_DECL(ror) SH_DECL(rcl) SH_DECL(rcr) SH_DECL(shl) SH_DECL(shr) SH_DECL(sar)
SNIPDECL(shldq_cl) SNIPDECL(shrdq_cl) SNIPDECL(shldl_cl) SNIPDECL(shrdl_cl) SNIPDECL(shldw_cl)
SNIPDECL(shrdw_cl) SNIPDECL(shld_imm)
MD_DECL(mul) MD_DECL(imul) MD_DECL(div) MD_DECL(idiv)
SNIPDECL(imul2q) SNIPDECL(imul2l) SNIPDECL(imul2w) SNIPDECL(imul3) SNIPDECL(imul3w)
BT_DECL(bt) BT_DECL(bts) BT_DECL(btr) BT_DECL(btc)
SNIPDECL(bsfq) SNIPDECL(bsrq) SNIPDECL(bsfl) SNIPDECL(bsrw) SNIPDECL(tzcntq) SNIPDECL(tzcntl)
SNIPDECL(bswap) SNIPDECL(movx) SNIPDECL(cbw_family) SNIPDECL(lea) SNIPDECL(xchg) SNIPDECL(xadd)
SNIPDECL(cmpxchg) SNIPDECL(lahf_sahf) SNIPDECL(pushf_popf) SNIPDECL(flags_ops) SNIPDECL(push_pop)
SNIPDECL(call_ret) SNIPDECL(loop_jcc) SNIPDECL(enter_leave) SNIPDECL(string)
SNIPDECL(nops) SNIPDECL(cmpxchg8b_ne) SNIPDECL(cmpxchg8b_eq) SNIPDECL(string2)
CC_DECL(o) CC_DECL(no) CC_DECL(b) CC_DECL(ae) CC_DECL(e) CC_DECL(ne) CC_DECL(be) CC_DECL(a)
CC_DECL(s) CC_DECL(ns) CC_DECL(p) CC_DECL(np) CC_DECL(l) CC_DECL(ge) CC_DECL(le) CC_DECL(g)

#define SHD_U (F_OF | F_AF)
#define BS_U (F_CF | F_OF | F_SF | F_AF | F_PF)

static const struct ocase cases[] = {
	ALU_CASES(add, 0), ALU_CASES(adc, 0), ALU_CASES(sub, 0), ALU_CASES(sbb, 0),
	ALU_CASES(and, F_AF), ALU_CASES(or, F_AF), ALU_CASES(xor, F_AF), ALU_CASES(cmp, 0),
	ALU_CASES(test, F_AF),
	IMM_CASES(add, 0), IMM_CASES(adc, 0), IMM_CASES(sub, 0), IMM_CASES(sbb, 0),
	IMM_CASES(and, F_AF), IMM_CASES(or, F_AF), IMM_CASES(xor, F_AF), IMM_CASES(cmp, 0),
	UN_CASES(inc), UN_CASES(dec), UN_CASES(neg), UN_CASES(not),
	SH_CASES(rol, 0), SH_CASES(ror, 0), SH_CASES(rcl, 0), SH_CASES(rcr, 0),
	SH_CASES(shl, F_AF), SH_CASES(shr, F_AF), SH_CASES(sar, F_AF),
	C(shldq_cl, SHD_U), C(shrdq_cl, SHD_U), C(shldl_cl, SHD_U), C(shrdl_cl, SHD_U),
	CK(shldw_cl, SHD_U, K_CNT16, 2), CK(shrdw_cl, SHD_U, K_CNT16, 2), C(shld_imm, SHD_U),
	MUL_CASES(mul), MUL_CASES(imul),
	C(imul2q, F_SF | F_ZF | F_AF | F_PF), C(imul2l, F_SF | F_ZF | F_AF | F_PF),
	C(imul2w, F_SF | F_ZF | F_AF | F_PF), C(imul3, F_SF | F_ZF | F_AF | F_PF),
	C(imul3w, F_SF | F_ZF | F_AF | F_PF),
	DIV_CASES(div, K_DIV), DIV_CASES(idiv, K_IDIV),
	BT_CASES(bt), BT_CASES(bts), BT_CASES(btr), BT_CASES(btc),
	C(bsfq, BS_U), C(bsrq, BS_U), C(bsfl, BS_U), C(bsrw, BS_U),
	CK(tzcntq, F_OF | F_SF | F_AF | F_PF, K_TZCNT, 0), CK(tzcntl, F_OF | F_SF | F_AF | F_PF, K_TZCNT, 0),
	C(bswap, 0), C(movx, 0), C(cbw_family, 0), C(lea, 0), C(xchg, 0), C(xadd, 0), C(cmpxchg, 0),
	C(lahf_sahf, 0), C(pushf_popf, 0), C(flags_ops, 0), C(push_pop, 0), C(call_ret, 0),
	C(loop_jcc, 0), C(enter_leave, 0), C(string, 0), C(nops, 0), C(cmpxchg8b_ne, 0),
	C(cmpxchg8b_eq, F_AF | F_OF /* from the shr */), C(string2, 0),
	CC_CASE(o), CC_CASE(no), CC_CASE(b), CC_CASE(ae), CC_CASE(e), CC_CASE(ne), CC_CASE(be),
	CC_CASE(a), CC_CASE(s), CC_CASE(ns), CC_CASE(p), CC_CASE(np), CC_CASE(l), CC_CASE(ge),
	CC_CASE(le), CC_CASE(g),
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static uint64_t pick(void)
{
	static const uint64_t special[] = {
		0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000,
		0xffffffff, 0x100000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull, ~0ull, ~1ull,
		0xfffffffffffffff0ull, 0x0f0f0f0f0f0f0f0full,
	};
	uint64_t r = rnd();

	switch (r & 7) {
	case 0:
	case 1:
		return special[(r >> 8) % (sizeof(special) / sizeof(special[0]))];
	case 2:
		return (r >> 8) % 70;
	case 3:
		return -((r >> 8) % 70);
	default:
		return rnd();
	}
}

static const uint64_t *reg_field(const struct kvm_regs *r, unsigned i)
{
	return (const uint64_t *)r + i;
}

static const char *const reg_names[] = {
	"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rsp", "rbp", "r8",  "r9",
	"r10", "r11", "r12", "r13", "r14", "r15", "rip", "rflags",
};

/* clang-format on */

static __int128 sx(uint64_t v, unsigned size)
{
	unsigned sh = 64 - size * 8;

	return (__int128)((int64_t)(v << sh) >> sh);
}

/* Whether the div/idiv inputs divide without #DE. */
static bool div_ok(const struct kvm_regs *r, unsigned size, bool sign)
{
	uint64_t m = size == 8 ? ~0ull : (1ull << (size * 8)) - 1;
	uint64_t d = r->rsi & m;
	uint64_t lo = size == 1 ? r->rax & 0xff : r->rax & m;
	uint64_t hi = size == 1 ? (r->rax >> 8) & 0xff : r->rdx & m;

	if (!d)
		return false;
	if (!sign) {
		unsigned __int128 n = ((unsigned __int128)hi << (size * 8)) | lo;

		return n / d <= m;
	}
	{
		unsigned __int128 un = ((unsigned __int128)hi << (size * 8)) | lo;
		__int128 n, q, ds = sx(d, size);
		__int128 lim = (__int128)1 << (size * 8 - 1);

		if (size == 8)
			n = (__int128)un;
		else
			n = (__int128)((int64_t)((uint64_t)un << (64 - size * 16)) >>
				       (64 - size * 16));
		if (size == 8 && un == (unsigned __int128)1 << 127)
			return false;
		q = n / ds;
		return q < lim && q >= -lim;
	}
}

static void gen(struct kvm_regs *r, const struct ocase *c)
{
	memset(r, 0, sizeof(*r));
	for (unsigned i = 0; i < 16; i++)
		if (i != 6)
			((uint64_t *)r)[i] = pick();
	r->rcx = rnd() % 200;
	if (rnd() & 1)
		r->rcx = pick();
	r->rflags = (rnd() & F_ARITH) | 0x202;
	if (c->kind == K_CNT16)
		r->rcx &= 15;
	if (c->kind == K_DIV || c->kind == K_IDIV) {
		for (int tries = 0; tries < 10000; tries++) {
			uint64_t m = c->size == 8 ? ~0ull : (1ull << (c->size * 8)) - 1;

			if ((rnd() & 3) == 0) {
				r->rdx = c->kind == K_IDIV && (r->rax & (1ull << 63)) ? ~0ull : 0;
				if (c->size == 1)
					r->rax =
					    (r->rax & ~0xff00ull) | (r->rax & 0x80 ? 0xff00 : 0);
			} else if (r->rsi & m) {
				r->rdx %= (r->rsi & m);
			}
			if (div_ok(r, c->size, c->kind == K_IDIV))
				return;
			r->rax = pick();
			r->rdx = pick();
			r->rsi = pick();
		}
		cr_assert_fail("no valid division inputs for %s", c->name);
	}
}

static bool host_has_bmi1(void)
{
	return __builtin_cpu_supports("bmi");
}

Test(emu_oracle, matches_host_cpu)
{
	static struct fx f;
	unsigned runs = 0, failures = 0;

	fx_init64(&f);
	for (size_t ci = 0; ci < sizeof(cases) / sizeof(cases[0]); ci++) {
		const struct ocase *c = &cases[ci];

		if (c->kind == K_TZCNT && !host_has_bmi1())
			continue;
		fx_load(&f, FX_CODE, c->start, c->end);
		for (unsigned it = 0; it < 300; it++) {
			struct kvm_regs in, want, got;
			enum emu_exit e;
			uint64_t fmask = (F_ARITH | F_DF) & ~c->undef;
			bool bad = false;

			gen(&in, c);
			want = in;
			emu_native_call(&want, c->start);
			f.regs = in;
			f.regs.rsp = FX_STACK_TOP;
			f.regs.rip = FX_CODE;
			e = fx_run(&f, 100000);
			got = f.regs;
			runs++;
			cr_expect_eq(e, EMU_EXIT_HLT, "%s: run ended with %d (exit %u)", c->name, e,
				     f.run->exit_reason);
			for (unsigned i = 0; i < 16; i++) {
				if (i == 6)
					continue;
				if (*reg_field(&want, i) != *reg_field(&got, i)) {
					cr_log_error("%s #%u: %s host %016llx emu %016llx", c->name,
						     it, reg_names[i],
						     (unsigned long long)*reg_field(&want, i),
						     (unsigned long long)*reg_field(&got, i));
					bad = true;
				}
			}
			if ((want.rflags ^ got.rflags) & fmask) {
				cr_log_error("%s #%u: rflags host %llx emu %llx (compared %llx)",
					     c->name, it, (unsigned long long)want.rflags,
					     (unsigned long long)got.rflags,
					     (unsigned long long)fmask);
				bad = true;
			}
			if (e != EMU_EXIT_HLT)
				bad = true;
			if (bad) {
				for (unsigned i = 0; i < 18; i++)
					cr_log_error("  %s: in %llx host %llx emu %llx",
						     reg_names[i],
						     (unsigned long long)*reg_field(&in, i),
						     (unsigned long long)*reg_field(&want, i),
						     (unsigned long long)*reg_field(&got, i));
				failures++;
				break; /* one report per snippet */
			}
		}
	}
	cr_log_info("%u snippet runs compared", runs);
	cr_assert_eq(failures, 0, "%u snippets disagree with the host CPU", failures);
}
