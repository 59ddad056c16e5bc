# Test guests: each tests/guests/<name>/ holds the sources (*.c, *.S) of one
# small pvabi kernel, linked into build/guests/<name>.elf. Hostile guests
# name the forbidden instructions they execute on purpose (GUEST_ALLOW_*).

TEST_GUESTS := conformance triple-fault unbacked vmcall emulfail bench-hypercall idle

GUEST_ALLOW_vmcall := --allow vmcall
GUEST_ALLOW_emulfail := --allow popcnt

define test_guest
TEST_GUEST_SRCS_$(1) := $$(sort $$(wildcard tests/guests/$(1)/*.c tests/guests/$(1)/*.S))
TEST_GUEST_OBJS_$(1) := $$(patsubst %,$$(OBJ)/guest/%.o,$$(basename $$(TEST_GUEST_SRCS_$(1))))
$$(eval $$(call guest_link,$$(GUESTS)/$(1).elf,$$(TEST_GUEST_OBJS_$(1)),$$(GUEST_ALLOW_$(1))))
ALL_GUESTS += $$(GUESTS)/$(1).elf
endef
$(foreach g,$(TEST_GUESTS),$(eval $(call test_guest,$(g))))
