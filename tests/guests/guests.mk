# Test guests: each tests/guests/<name>/ holds the sources (*.c, *.S) of one
# small pvabi kernel, linked into build/guests/<name>.elf. Hostile guests
# name the forbidden instructions they execute on purpose (GUEST_ALLOW_*).

TEST_GUESTS := conformance triple-fault unbacked vmcall emulfail bench-hypercall idle smp balloon conformance-memory bench-balloon conformance-time conformance-events bench-evtchn \
	conformance-smp \
	evtchn-pair evtchn-hostile conformance-store
# Grant tables: one domain's conformance, two domains sharing pages.
TEST_GUESTS += conformance-grant grant-pair bench-grant
GUEST_LIBS_conformance-grant := conflib
GUEST_LIBS_grant-pair := conflib
# xenstore ring transport: a guest that breaks the ring protocol.
TEST_GUESTS += xs-hostile
# Shared rings: streams bytes to dom0 (test_ring_dom0, the ring benchmarks).
TEST_GUESTS += bench-ring
# Console: a guest that scribbles impossible console ring indices.
TEST_GUESTS += cons-hostile bench-console
# Block: a frontend sending malformed requests and overrunning its ring.
TEST_GUESTS += blk-hostile
# Network: a frontend sending malformed packets, bad rx grants, overrunning its ring.
TEST_GUESTS += net-hostile

GUEST_ALLOW_vmcall := --allow vmcall
GUEST_ALLOW_emulfail := --allow popcnt

# Conformance guests also link the check library in conflib/ (CHECK lines,
# fault probes, the read-only/not-present test window).
GUEST_LIBS_conformance := conflib
GUEST_LIBS_conformance-events := conflib
GUEST_LIBS_conformance-memory := conflib
GUEST_LIBS_smp := conflib
GUEST_LIBS_conformance-time := conflib
GUEST_LIBS_conformance-smp := conflib
GUEST_LIBS_conformance-store := conflib
GUEST_LIBS_evtchn-pair := conflib
GUEST_LIBS_evtchn-hostile := conflib
GUEST_LIBS_xs-hostile := conflib

$(OBJ)/guest/tests/guests/%.o: GUEST_CFLAGS += -Itests/guests/conflib

define test_guest
TEST_GUEST_SRCS_$(1) := $$(sort $$(wildcard $$(patsubst %,tests/guests/%/*.c,$(1) $$(GUEST_LIBS_$(1))) \
	$$(patsubst %,tests/guests/%/*.S,$(1) $$(GUEST_LIBS_$(1)))))
TEST_GUEST_OBJS_$(1) := $$(patsubst %,$$(OBJ)/guest/%.o,$$(basename $$(TEST_GUEST_SRCS_$(1))))
$$(eval $$(call guest_link,$$(GUESTS)/$(1).elf,$$(TEST_GUEST_OBJS_$(1)),$$(GUEST_ALLOW_$(1))))
ALL_GUESTS += $$(GUESTS)/$(1).elf
endef
$(foreach g,$(TEST_GUESTS),$(eval $(call test_guest,$(g))))
