#!/bin/sh
# run-bench.sh BUILD [NAME]: runs the benchmarks (all, or the one named) and
# prints one line per figure, also collected in BUILD/bench/results.txt:
#   BENCH name=<id> value=<number> unit=<unit> baseline=<number> ratio=<number>
# Each figure is the median of ROUNDS interleaved runs against its baseline
# measured in the same run.
set -eu
build=$1
only=${2:-}
rounds=${ROUNDS:-5}
out=$build/bench
mkdir -p "$out"
results=$out/results.txt
[ -n "$only" ] || : > "$results"
[ -e /dev/kvm ] || { echo "bench: /dev/kvm is required" >&2; exit 1; }

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

emit() { # name value unit baseline
	ratio=$(awk -v v="$2" -v b="$4" 'BEGIN { printf "%.3f", v / b }')
	line="BENCH name=$1 value=$2 unit=$3 baseline=$4 ratio=$ratio"
	echo "$line"
	echo "$line" >> "$results"
}

# hypercall_null: a null hypercall (xen_version(XENVER_version)) through the
# hypercall page and hospes-hv, versus a bare KVM port-I/O exit made by a
# minimal VM through the same guest instruction stream (call, stub, out),
# so the ratio is what hospes-hv adds. hypercall_null_bare_out compares the
# same figure with the plainest exit loop (out; dec; jnz): on hosts that
# emulate guest kernel mode the difference is the stub's extra guest
# instructions. Unit: ns per call; lower is better; goal ratio <= 1.3.
bench_hypercall_null() {
	n=${HYPERCALL_N:-20000}
	: > "$out/hc.txt"; : > "$out/floor_call.txt"; : > "$out/floor_out.txt"
	for _ in $(seq "$rounds"); do
		"$build/bin/bench/kvm_floor" call "$n" | awk '/^floor_pio_ns_x1000/ { print $2 / 1000 }' >> "$out/floor_call.txt"
		"$build/bin/hospes-hv" run "$build/guests/bench-hypercall.elf" --mem 16M --cmdline "n=$n" \
			2>/dev/null | awk '/^hypercall_null_ns_x1000/ { print $2 / 1000 }' >> "$out/hc.txt"
		"$build/bin/bench/kvm_floor" out "$n" | awk '/^floor_pio_ns_x1000/ { print $2 / 1000 }' >> "$out/floor_out.txt"
	done
	for f in hc floor_call floor_out; do
		[ -s "$out/$f.txt" ] || { echo "bench: hypercall_null: no figure from $f" >&2; exit 1; }
	done
	hc=$(median < "$out/hc.txt")
	emit hypercall_null "$hc" ns "$(median < "$out/floor_call.txt")"
	emit hypercall_null_bare_out "$hc" ns "$(median < "$out/floor_out.txt")"
}

case "$only" in
"" | hypercall_null | hypercall_null_bare_out) bench_hypercall_null ;;
*) echo "bench: unknown benchmark '$only' (known: hypercall_null)" >&2; exit 2 ;;
esac
