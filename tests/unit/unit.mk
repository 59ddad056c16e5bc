# Unit tests (Criterion): every tests/unit/<component>/test_*.c becomes
# build/tests/unit/<component>/test_* linked with that component's testable
# objects ($(UNIT_OBJS_<component>), set by the component's .mk file).

UNIT_SRCS := $(sort $(wildcard tests/unit/*/test_*.c))
ALL_UNIT_TESTS := $(patsubst tests/unit/%.c,$(TESTBIN)/unit/%,$(UNIT_SRCS))

define unit_test_rule
$(TESTBIN)/unit/$(1): $(OBJ)/host/tests/unit/$(1).o $$(UNIT_OBJS_$(patsubst %/,%,$(dir $(1))))
	@mkdir -p $$(dir $$@)
	@$$(if $$(Q),echo "  LD      $$@")
	$$(Q)$$(HOST_CC) $$(HOST_LDFLAGS) -o $$@ $$^ $$(CRITERION_LIBS) $$(HOST_LDLIBS)
endef
$(foreach t,$(patsubst tests/unit/%.c,%,$(UNIT_SRCS)),$(eval $(call unit_test_rule,$(t))))

$(OBJ)/host/tests/unit/%.o: HOST_CFLAGS += $(CRITERION_CFLAGS) -Ihypervisor -Wno-missing-field-initializers
