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
# Three benchmarks take a bare KVM VM as their baseline (hypercall_null,
# timer_lateness, evtchn_pingpong): they need /dev/kvm. Without it the others
# still run, with guests on hospes-hv's software CPU, and the run says so.
if [ -e /dev/kvm ] && [ "${HOSPES_ACCEL:-auto}" != emu ]; then
	kvm=1
else
	kvm=0
	echo "bench: no /dev/kvm: guests run on the software CPU; the KVM-floor benchmarks are skipped" >&2
fi
need_kvm() {
	[ "$kvm" = 1 ] && return 0
	[ -z "$only" ] && return 1
	echo "bench: $only is measured against KVM itself: /dev/kvm is required" >&2
	exit 1
}

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

# ring_grant_map / ring_grant_copy: guest->dom0 stream through a shared
# ring in MB/s: the bench-ring guest copies RING_CHUNKS chunks of 16 KiB
# (rep movsq from a pattern source) into 16 granted data slots and posts
# one request per chunk (one notification per batch); dom0 (ring_stream,
# through a `hospes-hv daemon`) reads each chunk through persistent
# mappings of the grants (map) or with one grant copy per page (copy),
# checks its seq stamp and answers. Timed by the guest from its first
# request to its last answer. Baseline: the same guest making the same
# copies into its own memory, no ring. Higher is better; goal ratio >= 0.5.
# ring_host_memcpy (informational): the host's memcpy of the same chunks
# against that guest copy: the ratio is how much a guest kernel-mode copy
# costs here (emulated on kvm_pvm; near 1 on hardware KVM).
bench_ring() {
	chunks=${RING_CHUNKS:-500}
	for m in baseline map copy host; do : > "$out/ring_$m.txt"; done
	dir=$(mktemp -d)
	"$build/bin/hospes-hv" daemon --socket "$dir/hv.sock" --state-dir "$dir" 2>"$dir/log" &
	hv=$!
	for _ in $(seq 50); do [ -S "$dir/hv.sock" ] && break; sleep 0.1; done
	guest=$(pwd)/$build/guests/bench-ring.elf
	for _ in $(seq "$rounds"); do
		for m in baseline map copy; do
			"$build/bin/bench/ring_stream" "$dir/hv.sock" "$dir" "$guest" $m "$chunks" 16384 16 |
				awk '/^ring_mbps/ { print $2 }' >> "$out/ring_$m.txt"
		done
		"$build/bin/bench/ring_stream" - - - host $((chunks * 100)) 16384 16 |
			awk '/^ring_mbps/ { print $2 }' >> "$out/ring_host.txt"
	done
	kill "$hv" 2>/dev/null; wait "$hv" 2>/dev/null || true
	rm -rf "$dir"
	for m in baseline map copy host; do
		[ -s "$out/ring_$m.txt" ] || { echo "bench: ring: no figure from $m" >&2; exit 1; }
	done
	base=$(median < "$out/ring_baseline.txt")
	emit ring_grant_map "$(median < "$out/ring_map.txt")" MB/s "$base"
	emit ring_grant_copy "$(median < "$out/ring_copy.txt")" MB/s "$base"
	emit ring_host_memcpy "$(median < "$out/ring_host.txt")" MB/s "$base"
}

# xs_guest_read: a guest's xenstore READ round trip over its ring: nido's
# "xs-bench N" (N READs of its name back to back, PV clock) through
# hospes-stored and a `hospes-hv daemon`; xs_guest_bench does the
# toolstack's steps. Baseline: evtchn_pingpong's guest<->dom0 event round
# trip in the same daemon, the notify + kick every ring request needs at
# least. ns per read; lower is better.
bench_xs_guest() {
	n=${XS_GUEST_N:-200}
	: > "$out/xsg.txt"; : > "$out/xsg_ep.txt"
	dir=$(mktemp -d)
	"$build/bin/hospes-hv" daemon --socket "$dir/hv.sock" --state-dir "$dir" 2>"$dir/log" &
	hv=$!
	for _ in $(seq 50); do [ -S "$dir/hv.sock" ] && break; sleep 0.1; done
	"$build/bin/hospes-stored" --socket "$dir/xs.sock" --hv-socket "$dir/hv.sock" 2>"$dir/xs.log" &
	xs=$!
	for _ in $(seq 50); do [ -S "$dir/xs.sock" ] && break; sleep 0.1; done
	for _ in $(seq "$rounds"); do
		"$build/bin/bench/xs_guest_bench" "$dir/hv.sock" "$dir/xs.sock" "$dir" \
			"$(pwd)/$build/guests/nido.elf" "$n" |
			awk '/^xenstore_guest_read_ns/ { print $2 }' >> "$out/xsg.txt"
		"$build/bin/bench/evtchn_pingpong" "$dir/hv.sock" "$(pwd)/$build/guests/bench-evtchn.elf" 2000 |
			awk '/^evtchn_pingpong_rt_ns/ { print $2 }' >> "$out/xsg_ep.txt"
	done
	kill "$xs" "$hv" 2>/dev/null; wait "$xs" "$hv" 2>/dev/null || true
	rm -rf "$dir"
	for f in xsg xsg_ep; do
		[ -s "$out/$f.txt" ] || { echo "bench: xs_guest_read: no figure from $f" >&2; exit 1; }
	done
	emit xs_guest_read "$(median < "$out/xsg.txt")" ns "$(median < "$out/xsg_ep.txt")"
}

# console_ring_write: one 64-byte line written by the guest through the PV
# console ring (bench-console under `hospes-hv run --console-ring`, which
# drains the ring to stdout) versus the same line through console_io
# (one hypercall) measured by the same guest just before. The ring costs a
# notification hypercall per write whenever the backend has caught up (the
# Xen console protocol has no event index), plus the copy into the page.
# Unit: ns per line; lower is better.
bench_console() {
	n=${CONSOLE_N:-2000}
	: > "$out/cons_ring.txt"; : > "$out/cons_io.txt"
	for _ in $(seq "$rounds"); do
		"$build/bin/hospes-hv" run "$build/guests/bench-console.elf" --mem 64M --console-ring \
			--cmdline "n=$n" </dev/null 2>/dev/null > "$out/cons_run.txt"
		awk '/^console_ring_ns_x1000/ { print $2 / 1000 }' "$out/cons_run.txt" >> "$out/cons_ring.txt"
		awk '/^console_io_ns_x1000/ { print $2 / 1000 }' "$out/cons_run.txt" >> "$out/cons_io.txt"
	done
	for f in cons_ring cons_io; do
		[ -s "$out/$f.txt" ] || { echo "bench: console_ring_write: no figure from $f" >&2; exit 1; }
	done
	emit console_ring_write "$(median < "$out/cons_ring.txt")" ns "$(median < "$out/cons_io.txt")"
}

# hospesd_rpc / hospesd_create: the toolstack daemon against hospes-hv's
# own control socket, both run by one hospesd (hd_bench): a JSON-RPC
# `version` round trip vs an HVCTL_LIST round trip (ns), and
# domain.create (paused) + domain.destroy of nido vs hvctl create + destroy
# of the same kernel (us): the difference is validation, JSON, the
# xenstore keys and the crash-safe state file. Lower is better.
bench_hospesd() {
	n=${HD_N:-2000}
	: > "$out/hd_rpc.txt"; : > "$out/hd_hvc.txt"; : > "$out/hd_cr.txt"; : > "$out/hd_hvcr.txt"
	dir=$(mktemp -d)
	"$build/bin/hospesd" --socket "$dir/hd.sock" --state-dir "$dir/st" 2>"$dir/log" &
	hd=$!
	for _ in $(seq 100); do [ -S "$dir/hd.sock" ] && break; sleep 0.1; done
	for _ in $(seq "$rounds"); do
		"$build/bin/bench/hd_bench" "$dir/hd.sock" "$dir/st/hv.sock" \
			"$(pwd)/$build/guests/nido.elf" "$n" > "$dir/r.txt"
		awk '/^rpc_rtt_ns/ { print $2 }' "$dir/r.txt" >> "$out/hd_rpc.txt"
		awk '/^hvctl_rtt_ns/ { print $2 }' "$dir/r.txt" >> "$out/hd_hvc.txt"
		awk '/^create_us/ { print $2 }' "$dir/r.txt" >> "$out/hd_cr.txt"
		awk '/^hv_create_us/ { print $2 }' "$dir/r.txt" >> "$out/hd_hvcr.txt"
	done
	kill "$hd" 2>/dev/null; wait "$hd" 2>/dev/null || true
	rm -rf "$dir"
	for f in hd_rpc hd_hvc hd_cr hd_hvcr; do
		[ -s "$out/$f.txt" ] || { echo "bench: hospesd: no figure from $f" >&2; exit 1; }
	done
	emit hospesd_rpc "$(median < "$out/hd_rpc.txt")" ns "$(median < "$out/hd_hvc.txt")"
	emit hospesd_create "$(median < "$out/hd_cr.txt")" us "$(median < "$out/hd_hvcr.txt")"
}

# create_to_console (us): domain.create of an interactive nido through
# hospesd -> its first console line written by hospes-consoled, versus
# hvctl_create (started) -> the first line in hospes-hv's console_io log,
# both on the hospesd-run hospes-hv (ts_bench); lower is better, goals
# under 50 ms through the toolstack and under 5 ms in the hypervisor.
# create_rate (domains/s): TS_NDOMS (default 100) domain.create (paused)
# in a row, then as many domain.destroy, versus the same through hvctl;
# higher is better. create_to_console_hv_call: the hvctl_create call alone
# (build + start) against the hypervisor figure (the rest is the guest's
# boot up to its first line). From hospes-hv's boot accounting (HVCTL_INFO),
# each against the 5 ms goal (baseline 5000 us): _hv_alone, the call plus
# _hv_own, hospes-hv's own time (outside KVM_RUN) from the start to the
# first console output; _guest, the guest's time inside KVM_RUN meanwhile.
bench_toolstack() {
	dir=$(mktemp -d /tmp/hospes-tsb.XXXXXX)
	"$build/bin/hospesd" --socket "$dir/hd.sock" --state-dir "$dir/st" 2>"$dir/log" &
	hd=$!
	for _ in $(seq 100); do [ -S "$dir/hd.sock" ] && break; sleep 0.1; done
	"$build/bin/bench/ts_bench" "$dir/st" "$dir/hd.sock" "$(pwd)/$build/guests/nido.elf" \
		"$rounds" "${TS_NDOMS:-100}" > "$out/ts.txt" || { cat "$dir/log" >&2; }
	kill "$hd" 2>/dev/null; wait "$hd" 2>/dev/null || true
	rm -rf "$dir"
	for k in create_to_console_us hv_create_to_console_us hv_create_call_us hv_own_us hv_alone_us \
		hv_guest_us create_rate hv_create_rate; do
		grep -q "^$k " "$out/ts.txt" || { echo "bench: toolstack: no figure $k" >&2; exit 1; }
	done
	v() { awk -v k="$1" '$1 == k { print $2 }' "$out/ts.txt"; }
	emit create_to_console "$(v create_to_console_us)" us "$(v hv_create_to_console_us)"
	emit create_to_console_hv_call "$(v hv_create_call_us)" us "$(v hv_create_to_console_us)"
	emit create_to_console_hv_alone "$(v hv_alone_us)" us 5000
	emit create_to_console_hv_own "$(v hv_own_us)" us 5000
	emit create_to_console_guest "$(v hv_guest_us)" us 5000
	emit create_rate "$(v create_rate)" domains/s "$(v hv_create_rate)"
}

# blk_seq_read / blk_seq_write (1 MiB, QD 4, MB/s), blk_randread_4k /
# blk_randwrite_4k (4 KiB, QD 32, IOPS): nido's "blk-bench" (zero-copy on
# its persistent pool) through hospes-blkback on a raw image file, versus
# fio (io_uring, O_DIRECT, same block size and depth) on the same file in
# the same run. Higher is better. blk_backend_cpu: hospes-blkback's CPU
# time (utime + stime) per 4 KiB random read over a whole guest run,
# versus fio's own CPU per request: us per request, lower is better.
# blk_guest_us_per_req: the guest's time per 4 KiB random read outside
# its sleeps (the cost of guest kernel instructions) against the elapsed
# time per request. BLK_SECS (default 2) seconds per figure and round.
bench_blk() {
	command -v fio >/dev/null || { echo "bench: fio is required (make deps)" >&2; exit 1; }
	command -v jq >/dev/null || { echo "bench: jq is required (make deps)" >&2; exit 1; }
	secs=${BLK_SECS:-2}
	for f in seqr seqw rr rw fseqr fseqw frr frw cpu fcpu gus gel; do : > "$out/blk_$f.txt"; done
	# On the build's file system: O_DIRECT needs a real one (not tmpfs).
	dir=$(cd "$(mktemp -d "$out/blk.XXXXXX")" && pwd)
	img=$dir/disk.img
	"$build/bin/hospes-hv" daemon --socket "$dir/hv.sock" --state-dir "$dir" 2>"$dir/log" &
	hv=$!
	for _ in $(seq 50); do [ -S "$dir/hv.sock" ] && break; sleep 0.1; done
	"$build/bin/hospes-stored" --socket "$dir/xs.sock" --hv-socket "$dir/hv.sock" 2>"$dir/xs.log" &
	xs=$!
	for _ in $(seq 50); do [ -S "$dir/xs.sock" ] && break; sleep 0.1; done
	"$build/bin/hospes-blkback" --state-dir "$dir" --hv-socket "$dir/hv.sock" \
		--xs-socket "$dir/xs.sock" 2>"$dir/bb.log" &
	bb=$!
	# No daemon outlives a failed figure (they hold the caller's stdout).
	trap 'kill "$bb" "$xs" "$hv" 2>/dev/null || true' EXIT
	fio --name=fill --filename="$img" --ioengine=io_uring --direct=1 --rw=write --bs=1M \
		--iodepth=4 --size=256M --output-format=json >/dev/null
	fio_run() { # rw bs qd -> "value cpu_us_per_req" (MB/s for 1M, IOPS for 4k)
		fio --name=b --filename="$img" --ioengine=io_uring --direct=1 --rw="$1" --bs="$2" \
			--iodepth="$3" --size=256M --runtime="$secs" --time_based \
			--output-format=json |
			jq -r --arg bs "$2" '.jobs[0] as $j | (if ($j.read.total_ios > 0) then $j.read else $j.write end) as $d |
				(if $bs == "1M" then $d.bw_bytes / 1000000 else $d.iops end) as $v |
				(($j.usr_cpu + $j.sys_cpu) / 100 * $j.job_runtime * 1000 / $d.total_ios) as $c |
				"\($v) \($c)"' | awk '{ printf "%.1f %.3f\n", $1, $2 }'
	}
	guest() { # script -> blk_guest_bench output
		"$build/bin/bench/blk_guest_bench" "$dir/hv.sock" "$dir/xs.sock" "$dir" \
			"$(pwd)/$build/guests/nido.elf" "$img" "$bb" "$1"
	}
	field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p"; }
	for _ in $(seq "$rounds"); do
		fio_run read 1M 4 | awk '{ print $1 }' >> "$out/blk_fseqr.txt"
		fio_run write 1M 4 | awk '{ print $1 }' >> "$out/blk_fseqw.txt"
		fio_run randread 4k 32 > "$dir/frr"
		awk '{ print $1 }' "$dir/frr" >> "$out/blk_frr.txt"
		awk '{ print $2 }' "$dir/frr" >> "$out/blk_fcpu.txt"
		fio_run randwrite 4k 32 | awk '{ print $1 }' >> "$out/blk_frw.txt"
		guest "blk-bench seq read 1m 4 ${secs}s; blk-bench seq write 1m 4 ${secs}s; blk-bench rand write 4k 32 ${secs}s" > "$dir/g"
		grep 'op=read' "$dir/g" | field bytes > "$dir/b"; grep 'op=read' "$dir/g" | field ns > "$dir/n"
		paste "$dir/b" "$dir/n" | awk '{ printf "%.1f\n", $1 * 1000 / $2 }' >> "$out/blk_seqr.txt"
		grep 'op=write bs=1048576' "$dir/g" | field bytes > "$dir/b"; grep 'op=write bs=1048576' "$dir/g" | field ns > "$dir/n"
		paste "$dir/b" "$dir/n" | awk '{ printf "%.1f\n", $1 * 1000 / $2 }' >> "$out/blk_seqw.txt"
		grep 'op=write bs=4096' "$dir/g" | field iops >> "$out/blk_rw.txt"
		# A run of 4 KiB random reads alone, for the backend's CPU per request.
		guest "blk-bench rand read 4k 32 ${secs}s" > "$dir/g"
		grep 'op=read' "$dir/g" | field iops >> "$out/blk_rr.txt"
		ios=$(grep 'op=read' "$dir/g" | field ios || true)
		awk -v c="$(awk '/^blk-backend-cpu-us/ { print $2 }' "$dir/g")" -v n="$ios" \
			'BEGIN { printf "%.3f\n", c / n }' >> "$out/blk_cpu.txt"
		grep 'op=read' "$dir/g" | field guest_us_per_req >> "$out/blk_gus.txt"
		grep 'op=read' "$dir/g" | field us_per_req >> "$out/blk_gel.txt"
	done
	kill "$bb"; wait "$bb" 2>/dev/null || true
	kill "$xs" "$hv" 2>/dev/null; wait "$xs" "$hv" 2>/dev/null || true
	trap - EXIT
	[ -n "${BLK_KEEP:-}" ] || rm -rf "$dir"
	for f in seqr seqw rr rw fseqr fseqw frr frw cpu fcpu gus gel; do
		[ -s "$out/blk_$f.txt" ] || { echo "bench: blk: no figure from $f" >&2; exit 1; }
	done
	emit blk_seq_read "$(median < "$out/blk_seqr.txt")" MB/s "$(median < "$out/blk_fseqr.txt")"
	emit blk_seq_write "$(median < "$out/blk_seqw.txt")" MB/s "$(median < "$out/blk_fseqw.txt")"
	emit blk_randread_4k "$(median < "$out/blk_rr.txt")" IOPS "$(median < "$out/blk_frr.txt")"
	emit blk_randwrite_4k "$(median < "$out/blk_rw.txt")" IOPS "$(median < "$out/blk_frw.txt")"
	emit blk_backend_cpu "$(median < "$out/blk_cpu.txt")" us "$(median < "$out/blk_fcpu.txt")"
	emit blk_guest_us_per_req "$(median < "$out/blk_gus.txt")" us "$(median < "$out/blk_gel.txt")"
}

# grant_map_unmap / grant_copy_4k: grant-table hypercalls in one guest
# (bench-grant, GRANT_N iterations timed with the guest TSC): a map + unmap
# pair of the domain's own grant at a RAM frame, against two null
# hypercalls; a 4 KiB GNTTABOP_copy from a granted frame into an own frame,
# against one null hypercall; both baselines timed in the same guest run.
# Unit: ns; lower is better; goal ratio <= 2.
bench_grant() {
	n=${GRANT_N:-2000}
	: > "$out/gnt_null.txt"; : > "$out/gnt_map.txt"; : > "$out/gnt_copy.txt"
	for _ in $(seq "$rounds"); do
		"$build/bin/hospes-hv" run "$build/guests/bench-grant.elf" --mem 16M --cmdline "n=$n" \
			2>/dev/null > "$out/gnt_run.txt"
		awk '/^grant_null_ns_x1000/ { print $2 / 1000 }' "$out/gnt_run.txt" >> "$out/gnt_null.txt"
		awk '/^grant_map_unmap_ns_x1000/ { print $2 / 1000 }' "$out/gnt_run.txt" >> "$out/gnt_map.txt"
		awk '/^grant_copy4k_ns_x1000/ { print $2 / 1000 }' "$out/gnt_run.txt" >> "$out/gnt_copy.txt"
	done
	for f in gnt_null gnt_map gnt_copy; do
		[ -s "$out/$f.txt" ] || { echo "bench: grant: no figure from $f" >&2; exit 1; }
	done
	null=$(median < "$out/gnt_null.txt")
	emit grant_map_unmap "$(median < "$out/gnt_map.txt")" ns "$(awk -v n="$null" 'BEGIN { printf "%.3f", 2 * n }')"
	emit grant_copy_4k "$(median < "$out/gnt_copy.txt")" ns "$null"
}

# net_ping_rtt: mean ICMP echo round trip, in µs, from a network namespace
# of the bench's own to a nido answering with net-serve behind
# hospes-netback's TAP (netback runs in that namespace; net_guest_bench
# does the toolstack's steps), versus the same ping over a veth pair
# between that namespace and a second one, same run. NET_PINGS (default 50)
# echo requests 10 ms apart per round. Lower is better; informational (on
# kvm_pvm the guest's kernel-mode instructions dominate).
bench_net() {
	command -v ping >/dev/null || { echo "bench: ping is required (make deps)" >&2; exit 1; }
	n=${NET_PINGS:-50}
	: > "$out/net_rtt.txt"; : > "$out/net_veth.txt"
	dir=$(cd "$(mktemp -d "$out/net.XXXXXX")" && pwd)
	ns=hsp$$; peer=hsp$$p
	"$build/bin/hospes-hv" daemon --socket "$dir/hv.sock" --state-dir "$dir" 2>"$dir/log" &
	hv=$!
	for _ in $(seq 50); do [ -S "$dir/hv.sock" ] && break; sleep 0.1; done
	"$build/bin/hospes-stored" --socket "$dir/xs.sock" --hv-socket "$dir/hv.sock" 2>"$dir/xs.log" &
	xs=$!
	for _ in $(seq 50); do [ -S "$dir/xs.sock" ] && break; sleep 0.1; done
	ip netns add "$ns"
	ip netns add "$peer"
	nb=
	# No daemon or namespace outlives a failed figure.
	trap 'kill $nb "$xs" "$hv" 2>/dev/null || true; ip netns del "$ns" 2>/dev/null || true; ip netns del "$peer" 2>/dev/null || true' EXIT
	ip -n "$ns" link set lo up
	ip netns exec "$ns" "$build/bin/hospes-netback" --state-dir "$dir" --hv-socket "$dir/hv.sock" \
		--xs-socket "$dir/xs.sock" 2>"$dir/nb.log" &
	nb=$!
	ip -n "$ns" link add hspva type veth peer name hspvb netns "$peer"
	ip -n "$ns" addr add 10.201.8.1/24 dev hspva
	ip -n "$ns" link set hspva up
	ip -n "$peer" addr add 10.201.8.2/24 dev hspvb
	ip -n "$peer" link set hspvb up
	rtt() { sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p' | awk '{ printf "%.1f\n", $1 * 1000 }'; }
	for _ in $(seq "$rounds"); do
		dom=$("$build/bin/bench/net_guest_bench" "$dir/hv.sock" "$dir/xs.sock" \
			"$(pwd)/$build/guests/nido.elf" "net-up 10.201.7.2/24; net-serve 600; poweroff" |
			awk '/^domid/ { print $2 }')
		[ -n "$dom" ] || { echo "bench: net: no guest" >&2; exit 1; }
		for _ in $(seq 100); do ip -n "$ns" link show "vif$dom.0" >/dev/null 2>&1 && break; sleep 0.1; done
		ip -n "$ns" addr add 10.201.7.1/24 dev "vif$dom.0"
		ok=0
		for _ in $(seq 60); do
			ip netns exec "$ns" ping -q -n -c 1 -W 1 10.201.7.2 >/dev/null 2>&1 && { ok=1; break; }
		done
		[ "$ok" = 1 ] || { echo "bench: net: the guest does not answer (see $dir)" >&2; exit 1; }
		ip netns exec "$ns" ping -q -n -c "$n" -i 0.01 10.201.7.2 | rtt >> "$out/net_rtt.txt"
		ip netns exec "$ns" ping -q -n -c "$n" -i 0.01 10.201.8.2 | rtt >> "$out/net_veth.txt"
		"$build/bin/hospes-hvctl" --socket "$dir/hv.sock" destroy "$dom" >/dev/null
		# The next guest's TAP gets the same subnet.
		ip -n "$ns" addr flush dev "vif$dom.0"
	done
	kill "$nb"; wait "$nb" 2>/dev/null || true
	kill "$xs" "$hv" 2>/dev/null; wait "$xs" "$hv" 2>/dev/null || true
	ip netns del "$ns"
	ip netns del "$peer"
	trap - EXIT
	rm -rf "$dir"
	for f in net_rtt net_veth; do
		[ -s "$out/$f.txt" ] || { echo "bench: net: no figure from $f" >&2; exit 1; }
	done
	emit net_ping_rtt "$(median < "$out/net_rtt.txt")" us "$(median < "$out/net_veth.txt")"
}

case "$only" in
"" | hypercall_null | hypercall_null_bare_out) need_kvm && bench_hypercall_null ;;
grant_map_unmap | grant_copy_4k) ;; # below
console_ring_write) ;; # below
hospesd_rpc | hospesd_create) ;; # below
create_to_console | create_to_console_* | create_rate) ;; # below
xs_guest_read) ;; # below
xenstore_*) ;; # below
evtchn_pingpong | evtchn_host_eventfd) ;; # below
timer_lateness_p99 | timer_lateness_mean) ;; # below
balloon_free | balloon_free_2m) ;; # below
ring_grant_map | ring_grant_copy | ring_host_memcpy) ;; # below
blk_*) ;; # below
net_*) ;; # below
*) echo "bench: unknown benchmark '$only' (known: hypercall_null)" >&2; exit 2 ;;
esac

case "$only" in
"" | balloon_free | balloon_free_2m) bench_balloon_free ;;
esac

case "$only" in
"" | timer_lateness_p99 | timer_lateness_mean) need_kvm && bench_timer_lateness ;;
esac

case "$only" in
"" | evtchn_pingpong | evtchn_host_eventfd) need_kvm && bench_evtchn_pingpong ;;
esac

case "$only" in
"" | xenstore_*) bench_xenstore ;;
esac

case "$only" in
"" | xs_guest_read) bench_xs_guest ;;
esac

case "$only" in
"" | ring_grant_map | ring_grant_copy | ring_host_memcpy) bench_ring ;;
esac

case "$only" in
"" | console_ring_write) bench_console ;;
esac

case "$only" in
"" | grant_map_unmap | grant_copy_4k) bench_grant ;;
esac

case "$only" in
"" | hospesd_rpc | hospesd_create) bench_hospesd ;;
esac

case "$only" in
"" | create_to_console | create_to_console_* | create_rate) bench_toolstack ;;
esac

case "$only" in
"" | blk_*) bench_blk ;;
esac

case "$only" in
"" | net_*) bench_net ;;
esac
