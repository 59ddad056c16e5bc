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

# balloon_free / balloon_free_2m: decrease_reservation throughput in MiB/s of
# host memory actually freed: the guest (bench-balloon) touches 128 MiB,
# times giving it back (4 KiB frames in lists of 512, or 2 MiB extents in
# one call), and hospes-hv's --mem-stats lines before and after give the
# memfd's allocated size, so value = freed KiB / 1024 / seconds. Baseline:
# the host's own rate for the same memory (balloon_floor: a 128 MiB memfd,
# touched, then mmap PROT_NONE MAP_FIXED + fallocate PUNCH_HOLE per 2 MiB).
# Higher is better; goal ratio >= 0.5.
balloon_rate() { # order
	"$build/bin/hospes-hv" run "$build/guests/bench-balloon.elf" --mem 160M --mem-stats \
		--cmdline "order=$1" 2>&1 | awk '
		/mem-stats current_reservation/ { for (i = 1; i <= NF; i++) if ($i ~ /^memfd_kib=/) { sub("memfd_kib=", "", $i); kib[n++] = $i } }
		/^balloon_free_ns/ { ns = $2 }
		END { if (n >= 2 && ns > 0) printf "%.1f\n", (kib[0] - kib[1]) / 1024 / (ns / 1e9) }'
}

bench_balloon_free() {
	: > "$out/bf0.txt"; : > "$out/bf9.txt"; : > "$out/bfloor.txt"
	for _ in $(seq "$rounds"); do
		"$build/bin/bench/balloon_floor" 128 | awk '/^balloon_floor_mib_s/ { print $2 }' >> "$out/bfloor.txt"
		balloon_rate 0 >> "$out/bf0.txt"
		balloon_rate 9 >> "$out/bf9.txt"
	done
	for f in bf0 bf9 bfloor; do
		[ -s "$out/$f.txt" ] || { echo "bench: balloon_free: no figure from $f" >&2; exit 1; }
	done
	floor=$(median < "$out/bfloor.txt")
	emit balloon_free "$(median < "$out/bf0.txt")" MiB/s "$floor"
	emit balloon_free_2m "$(median < "$out/bf9.txt")" MiB/s "$floor"
}

# timer_lateness_p99 / timer_lateness_mean: how late a 1 ms single-shot
# timer (VCPUOP_set_singleshot_timer -> VIRQ_TIMER, the guest blocked in
# SCHEDOP_block, lateness read from the PV clock) is in a guest, in ns,
# versus the bare LAPIC TSC-deadline timer of a minimal VM (in-kernel
# irqchip, x2APIC, halted until the interrupt: kvm_timer_floor) measured
# in the same run. Lower is better; goal ratio <= 2.
bench_timer_lateness() {
	n=${TIMER_N:-200}
	: > "$out/tl.txt"; : > "$out/tlfloor.txt"
	for _ in $(seq "$rounds"); do
		"$build/bin/bench/kvm_timer_floor" "$n" | awk '/^floor_timer_late_mean_ns/ { print $2, $4 }' >> "$out/tlfloor.txt"
		"$build/bin/hospes-hv" run "$build/guests/conformance-time.elf" --mem 16M --cmdline "bench=$n" \
			2>/dev/null | awk '/^timer_lateness_mean_ns/ { print $2, $4 }' >> "$out/tl.txt"
	done
	for f in tl tlfloor; do
		[ -s "$out/$f.txt" ] || { echo "bench: timer_lateness: no figure from $f" >&2; exit 1; }
	done
	emit timer_lateness_p99 "$(awk '{ print $2 }' "$out/tl.txt" | median)" ns \
		"$(awk '{ print $2 }' "$out/tlfloor.txt" | median)"
	emit timer_lateness_mean "$(awk '{ print $1 }' "$out/tl.txt" | median)" ns \
		"$(awk '{ print $1 }' "$out/tlfloor.txt" | median)"
}

# evtchn_pingpong: guest<->dom0 event round trip: dom0 (evtchn_pingpong,
# through a `hospes-hv daemon`) writes the kick eventfd, the bench-evtchn
# guest's upcall handler sends back, dom0 reads the notify eventfd; median
# ns. Baseline: the raw KVM floor of the same shape (`kvm_floor irqfd`:
# irqfd -> MSI -> minimal handler (ioeventfd out, x2APIC EOI) -> ioeventfd).
# evtchn_host_eventfd: the floor against a plain eventfd ping-pong between
# two host threads (what the plumbing alone costs). Lower is better; goal
# ratio <= 1.5.
bench_evtchn_pingpong() {
	n=${EVTCHN_N:-2000}
	: > "$out/ep.txt"; : > "$out/epfloor.txt"; : > "$out/ephost.txt"
	dir=$(mktemp -d)
	"$build/bin/hospes-hv" daemon --socket "$dir/hv.sock" --state-dir "$dir" 2>"$dir/log" &
	hv=$!
	for _ in $(seq 50); do [ -S "$dir/hv.sock" ] && break; sleep 0.1; done
	for _ in $(seq "$rounds"); do
		"$build/bin/bench/kvm_floor" irqfd "$n" > "$dir/floor.txt"
		awk '/^floor_irqfd_rt_ns/ { print $2 }' "$dir/floor.txt" >> "$out/epfloor.txt"
		awk '/^host_eventfd_rt_ns/ { print $2 }' "$dir/floor.txt" >> "$out/ephost.txt"
		"$build/bin/bench/evtchn_pingpong" "$dir/hv.sock" "$(pwd)/$build/guests/bench-evtchn.elf" "$n" |
			awk '/^evtchn_pingpong_rt_ns/ { print $2 }' >> "$out/ep.txt"
	done
	kill "$hv" 2>/dev/null; wait "$hv" 2>/dev/null || true
	rm -rf "$dir"
	for f in ep epfloor ephost; do
		[ -s "$out/$f.txt" ] || { echo "bench: evtchn_pingpong: no figure from $f" >&2; exit 1; }
	done
	floor=$(median < "$out/epfloor.txt")
	emit evtchn_pingpong "$(median < "$out/ep.txt")" ns "$floor"
	emit evtchn_host_eventfd "$floor" ns "$(median < "$out/ephost.txt")"
}

# xenstore_read / _write / _directory / _txn / _read_8clients: requests per
# second (xenstore_txn: start + write + commit per unit) from libxsclient
# through a private hospes-stored's socket, one client (8 for
# read_8clients). Baseline: the same request bytes and reply lengths with a
# bare single-threaded echo server on a UNIX socket, in the same process
# (xs_bench). Higher is better; goal ratio >= 0.5 for reads.
bench_xenstore() {
	n=${XS_N:-10000}
	dir=$(mktemp -d)
	"$build/bin/hospes-stored" --socket "$dir/xs.sock" --state-dir "$dir" 2>"$dir/log" &
	xs=$!
	for _ in $(seq 50); do [ -S "$dir/xs.sock" ] && break; sleep 0.1; done
	for _ in $(seq "$rounds"); do
		rm -f "$dir/echo.sock"
		"$build/bin/bench/xs_bench" "$dir/xs.sock" "$dir/echo.sock" "$n" >> "$dir/xs.txt"
	done
	kill "$xs" 2>/dev/null; wait "$xs" 2>/dev/null || true
	for w in read write directory txn read_8clients; do
		awk -v k="xenstore_$w" '$1 == k { print $2 }' "$dir/xs.txt" > "$out/xs_v.txt"
		awk -v k="xenstore_$w" '$1 == k { print $3 }' "$dir/xs.txt" > "$out/xs_b.txt"
		[ -s "$out/xs_v.txt" ] || { echo "bench: xenstore_$w: no figure" >&2; rm -rf "$dir"; exit 1; }
		unit=req/s; [ "$w" = txn ] && unit=txn/s
		emit "xenstore_$w" "$(median < "$out/xs_v.txt")" "$unit" "$(median < "$out/xs_b.txt")"
	done
	rm -rf "$dir"
}

case "$only" in
"" | hypercall_null | hypercall_null_bare_out) bench_hypercall_null ;;
xenstore_*) ;; # below
evtchn_pingpong | evtchn_host_eventfd) ;; # below
timer_lateness_p99 | timer_lateness_mean) ;; # below
balloon_free | balloon_free_2m) ;; # below
*) echo "bench: unknown benchmark '$only' (known: hypercall_null)" >&2; exit 2 ;;
esac

case "$only" in
"" | balloon_free | balloon_free_2m) bench_balloon_free ;;
esac

case "$only" in
"" | timer_lateness_p99 | timer_lateness_mean) bench_timer_lateness ;;
esac

case "$only" in
"" | evtchn_pingpong | evtchn_host_eventfd) bench_evtchn_pingpong ;;
esac

case "$only" in
"" | xenstore_*) bench_xenstore ;;
esac
