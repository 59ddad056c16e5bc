#!/bin/sh
# demo.sh: the toolstack demo. Starts hospesd (which starts hospes-hv,
# hospes-stored, hospes-consoled and hospes-blkback) in a private state directory, creates
# the nido demo guest from nido-demo.cfg and attaches its console: an
# interactive session on a terminal, a short scripted one otherwise. On exit
# the guest is destroyed and the services stopped.
#   usage: demo.sh BIN_DIR GUEST_DIR
set -u

bin=${1:?usage: demo.sh BIN_DIR GUEST_DIR}
guests=${2:?usage: demo.sh BIN_DIR GUEST_DIR}
here=$(cd "$(dirname "$0")" && pwd)
bin=$(cd "$bin" && pwd)
guests=$(cd "$guests" && pwd)
# Short: service sockets live in the state dir (sun_path is 108 bytes).
dir=$(mktemp -d /tmp/hospes-demo.XXXXXX) || exit 1
sock=$dir/hospesd.sock
hd_pid=
hospes() { "$bin/hospes" --socket "$sock" "$@"; }

cleanup() {
	trap - EXIT INT TERM
	if [ -n "$hd_pid" ]; then
		hospes destroy nido-demo >/dev/null 2>&1
		kill -TERM "$hd_pid" 2>/dev/null
		wait "$hd_pid"
		echo "== hospesd stopped (exit $?); services and guest gone =="
	fi
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Without a usable /dev/kvm hospes-hv runs the guest on its software CPU
# (HOSPES_ACCEL=kvm insists on KVM).
if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
	if [ "${HOSPES_ACCEL:-auto}" = kvm ]; then
		echo "demo: /dev/kvm is not usable by $(id -un) (HOSPES_ACCEL=kvm)" >&2
		exit 1
	fi
	echo "== No usable /dev/kvm: the guest runs on Hospes's software CPU =="
fi
echo "== Starting hospesd (state in $dir) =="
"$bin/hospesd" --socket "$sock" --state-dir "$dir/state" 2>"$dir/hospesd.log" &
hd_pid=$!
i=0
until grep -q "ready, listening" "$dir/hospesd.log" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 200 ] || ! kill -0 "$hd_pid" 2>/dev/null; then
		echo "demo: hospesd did not start:" >&2
		cat "$dir/hospesd.log" >&2
		hd_pid=
		exit 1
	fi
	sleep 0.05
done
hospes status
# The shipped configuration, with the kernel of this build.
# block: its disk, a zeroed image in the private state dir
truncate -s 16M "$dir/nido-demo.img" || exit 1
sed -e "s|^kernel = .*|kernel = \"$guests/nido.elf\"|" \
	-e "s|target=[^']*|target=$dir/nido-demo.img|" "$here/nido-demo.cfg" >"$dir/nido-demo.cfg"
echo "== hospes create nido-demo.cfg =="
hospes create "$dir/nido-demo.cfg" || exit 1
hospes list
if [ -t 0 ]; then
	echo "== hospes console nido-demo: try help, vcpus, time, xs-read name,"
	echo "   blk-info, blk-write 1 0 64, blk-verify 1 0 64, poweroff;"
	echo "   Ctrl-] detaches =="
	hospes console nido-demo
	rc=$?
else
	echo "== hospes console nido-demo (scripted: not a terminal) =="
	# An empty line first: nido answers with a fresh prompt, in case the
	# guest printed its first one before the console was attached.
	printf '\rhelp\rvcpus\rtime\rxs-read name\rxs-read control/feature-poweroff\r%b\rpoweroff\r' \
		'blk-info\rblk-write 3 0 64\rblk-verify 3 0 64' |
		hospes console nido-demo
	rc=$?
fi
echo "== console closed (exit $rc) =="
hospes list
exit $rc
