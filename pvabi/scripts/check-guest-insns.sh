#!/bin/sh
# check-guest-insns.sh: fail if a guest ELF contains instructions that guest
# kernel mode cannot run on KVM hosts that emulate it (the emulator lacks
# them, or KVM never hands them to the VMM): vmcall/vmmcall, int3/int $n,
# popcnt, crc32, rdtscp, xsave/xrstor*, cmpxchg16b, movbe, rdpid, stmxcsr,
# x87 arithmetic (every x87 mnemonic except fninit/fnstcw/fwait and
# fxsave/fxrstor) and any SSE/AVX/MMX/mask register operand.
#
# usage: check-guest-insns.sh [--allow insn[,insn...]] ELF
#   --allow  exempt the named mnemonics (hostile test guests only)
# Prints each offending line with its function; exits 1 if any, 2 on usage.
set -eu

allow=""
while [ $# -gt 1 ]; do
	case "$1" in
	--allow) allow="$allow,$2"; shift 2 ;;
	--allow=*) allow="$allow,${1#--allow=}"; shift ;;
	*) echo "usage: $0 [--allow insn[,insn]] ELF" >&2; exit 2 ;;
	esac
done
[ $# -eq 1 ] || { echo "usage: $0 [--allow insn[,insn]] ELF" >&2; exit 2; }
elf=$1
[ -f "$elf" ] || { echo "$0: $elf: no such file" >&2; exit 2; }

OBJDUMP=${OBJDUMP:-objdump}

# Disassemble each executable section in the mode it runs in: .boot32 (the
# PVH entry) is 32-bit code, everything else 64-bit.
disasm() {
	for sec in $("$OBJDUMP" -h -w "$elf" | awk '$0 ~ /CODE/ { print $2 }'); do
		if [ "$sec" = .boot32 ]; then
			"$OBJDUMP" -d -w --no-show-raw-insn -m i386 -j "$sec" "$elf"
		else
			"$OBJDUMP" -d -w --no-show-raw-insn -j "$sec" "$elf"
		fi
	done
}

disasm | awk -v allow="$allow" -v elf="$elf" '
BEGIN {
	n = split(allow, a, ",")
	for (i = 1; i <= n; i++) if (a[i] != "") allowed[a[i]] = 1
	# Exact mnemonics (objdump may add a size suffix; handled below).
	split("vmcall vmmcall vmlaunch vmresume int3 int into popcnt rdtscp " \
	      "cmpxchg16b movbe rdpid stmxcsr vstmxcsr", b, " ")
	for (i in b) banned[b[i]] = 1
	# x87 mnemonics the emulator runs.
	split("fninit fnstcw fwait fxsave fxsave64 fxrstor fxrstor64", f, " ")
	for (i in f) x87ok[f[i]] = 1
	prefixes = "^(lock|rep|repz|repe|repnz|repne|data16|data32|addr16|addr32|" \
		   "notrack|bnd|xacquire|xrelease|cs|ds|es|fs|gs|ss|rex|rex\\..*|rex\\.[WRXB]+)$"
	bad = 0
}
/^[0-9a-f]+ <.*>:$/ { fn = $2; next }
/^ *[0-9a-f]+:\t/ {
	line = $0
	sub(/^ *[0-9a-f]+:\t/, "", line)
	nw = split(line, w, /[ \t]+/)
	k = 1
	while (k < nw && w[k] ~ prefixes) k++
	m = w[k]
	if (m == "" || m == "(bad)") next
	if (m in allowed) next
	why = ""
	if (m in banned) why = m
	else if (m ~ /^crc32[bwlq]?$/) why = "crc32"
	else if (m ~ /^popcnt[wlq]?$/ || m ~ /^movbe[wlq]?$/) why = m
	else if (m ~ /^(xsave|xrstor)/) why = "xsave/xrstor"
	else if (m ~ /^cmpxchg16b/) why = "cmpxchg16b"
	else if (m ~ /^f/ && !(m in x87ok)) why = "x87"
	else if (line ~ /%(x|y|z)mm[0-9]/ || line ~ /%mm[0-7]/ || line ~ /%k[0-7]/) why = "SIMD register"
	if (why != "") {
		addr = $1
		sub(/:$/, "", addr)
		printf "%s: %s %s: %s  [%s]\n", elf, fn, addr, line, why
		bad++
	}
}
END {
	if (bad) {
		printf "%s: %d instruction(s) guest kernel mode cannot run (see pvabi/README.md)\n", elf, bad
		exit 1
	}
}'
