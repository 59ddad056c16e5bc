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
# hypercall page and hospes-hv, versus a bare KVM port-I/O exit in a minimal
# VM. Unit: ns per call; lower is better; goal ratio <= 1.3.
bench_hypercall_null() {
	n=${HYPERCALL_N:-20000}
	: > "$out/hc.txt"; : > "$out/floor.txt"
	for _ in $(seq "$rounds"); do
		"$build/bin/bench/kvm_floor" "$n" | awk '/^floor_pio_ns_x1000/ { print $2 / 1000 }' >> "$out/floor.txt"
		"$build/bin/hospes-hv" run "$build/guests/bench-hypercall.elf" --mem 16M --cmdline "n=$n" \
			2>/dev/null | awk '/^hypercall_null_ns_x1000/ { print $2 / 1000 }' >> "$out/hc.txt"
	done
	[ -s "$out/hc.txt" ] && [ -s "$out/floor.txt" ] || { echo "bench: hypercall_null produced no figure" >&2; exit 1; }
	emit hypercall_null "$(median < "$out/hc.txt")" ns "$(median < "$out/floor.txt")"
}

case "$only" in
"" | hypercall_null) bench_hypercall_null ;;
*) echo "bench: unknown benchmark '$only' (known: hypercall_null)" >&2; exit 2 ;;
esac
