/* printf.c: a small printf into a buffer; pvabi_printf writes each call
 * with one console hypercall (one per 256 bytes of output). */
#include "internal.h"

#define PRINTF_BUF 256

struct out {
	char *buf;
	size_t cap;   /* bytes of buf usable for characters */
	size_t pos;   /* characters in buf */
	size_t total; /* characters produced */
	int console;  /* flush to the console when full */
};

static void put(struct out *o, char c)
{
	if (o->pos == o->cap && o->console) {
		pvabi_console_write(o->buf, o->pos);
		o->pos = 0;
	}
	if (o->pos < o->cap)
		o->buf[o->pos++] = c;
	o->total++;
}

/* n characters from s: a plain copy when they fit (every character costs
 * guest instructions, emulated on some hosts, so the common case must not
 * go through put() one by one). */
static void put_run(struct out *o, const char *s, size_t n)
{
	if (o->cap - o->pos >= n) {
		memcpy(o->buf + o->pos, s, n);
		o->pos += n;
		o->total += n;
		return;
	}
	while (n--)
		put(o, *s++);
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

struct spec {
	int width;
	int zero; /* '0' flag */
	int left; /* '-' flag */
};

static void put_str(struct out *o, const struct spec *sp, const char *s)
{
	int len = (int)strlen(s);

	if (!sp->left)
		pad(o, ' ', sp->width - len);
	put_run(o, s, (size_t)len);
	if (sp->left)
		pad(o, ' ', sp->width - len);
}

/* Unsigned v in base 10 or 16, with an optional sign and "0x" prefix. */
static void put_num(struct out *o, const struct spec *sp, uint64_t v, unsigned base,
		    int upper, int negative, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, len, plen = (int)strlen(prefix) + (negative ? 1 : 0);

	/* Filled from the end, so that the digits leave in one run. */
	do {
		tmp[sizeof(tmp) - 1 - n++] = digits[v % base];
		v /= base;
	} while (v != 0);
	len = n + plen;
	if (!sp->left && !sp->zero)
		pad(o, ' ', sp->width - len);
	if (negative)
		put(o, '-');
	while (*prefix)
		put(o, *prefix++);
	if (!sp->left && sp->zero)
		pad(o, '0', sp->width - len);
	put_run(o, tmp + sizeof(tmp) - n, (size_t)n);
	if (sp->left)
		pad(o, ' ', sp->width - len);
}

static const char *parse_spec(const char *f, struct spec *sp)
{
	*sp = (struct spec){ 0 };
	for (;; f++) {
		if (*f == '0')
			sp->zero = 1;
		else if (*f == '-')
			sp->left = 1;
		else
			break;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (*f++ - '0');
	return f;
}

static void format(struct out *o, const char *f, va_list ap)
{
	struct spec sp;
	int lng;

	for (; *f; f++) {
		if (*f != '%') {
			const char *run = f;

			while (f[1] && f[1] != '%')
				f++;
			put_run(o, run, (size_t)(f - run + 1));
			continue;
		}
		f = parse_spec(f + 1, &sp);
		lng = 0;
		while (*f == 'l' || *f == 'z' || *f == 'h') {
			lng += (*f == 'l' || *f == 'z') ? 1 : 0;
			f++;
		}
		switch (*f) {
		case 'd':
		case 'i': {
			int64_t v = lng ? va_arg(ap, long) : va_arg(ap, int);
			put_num(o, &sp, v < 0 ? -(uint64_t)v : (uint64_t)v, 10, 0, v < 0, "");
			break;
		}
		case 'u':
			put_num(o, &sp, lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int),
				10, 0, 0, "");
			break;
		case 'x':
		case 'X':
			put_num(o, &sp, lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int),
				16, *f == 'X', 0, "");
			break;
		case 'p':
			put_num(o, &sp, (uintptr_t)va_arg(ap, void *), 16, 0, 0, "0x");
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			put_str(o, &sp, s ? s : "(null)");
			break;
		}
		case 'c':
			sp.width--;
			if (!sp.left)
				pad(o, ' ', sp.width);
			put(o, (char)va_arg(ap, int));
			if (sp.left)
				pad(o, ' ', sp.width);
			break;
		case '%':
			put(o, '%');
			break;
		case '\0':
			return;
		default: /* unknown conversion: show it */
			put(o, '%');
			put(o, *f);
			break;
		}
	}
}

int pvabi_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { .buf = buf, .cap = size ? size - 1 : 0 };

	format(&o, fmt, ap);
	if (size)
		buf[o.pos] = '\0';
	return (int)o.total;
}

int pvabi_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = pvabi_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int pvabi_vprintf(const char *fmt, va_list ap)
{
	char buf[PRINTF_BUF];
	struct out o = { .buf = buf, .cap = sizeof(buf), .console = 1 };

	format(&o, fmt, ap);
	if (o.pos)
		pvabi_console_write(buf, o.pos);
	return (int)o.total;
}

int pvabi_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = pvabi_vprintf(fmt, ap);
	va_end(ap);
	return n;
}
