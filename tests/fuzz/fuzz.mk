# Fuzzing (libFuzzer, clang): build/fuzz/fuzz_xs_request runs hospes-stored's
# framing + dispatcher (XS_CORE_SRCS, without its stderr logger) on
# arbitrary bytes; build/fuzz/xs_seeds writes its seed corpus. `make test`
# runs it briefly (tests/integration/test_fuzz_xs_request.c), `make fuzz`
# for FUZZ_TIME seconds with the corpus kept in build/fuzz/corpus/.

FUZZ_CC := clang
FUZZ_TIME ?= 600
FUZZ_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter -D_GNU_SOURCE \
	-DPVABI_HOST -Ipvabi/include -Itoolstack/stored -fno-omit-frame-pointer \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_XS := $(FUZZ_DIR)/fuzz_xs_request
FUZZ_XS_SEEDS := $(FUZZ_DIR)/xs_seeds
FUZZ_XS_SRCS := $(filter-out toolstack/stored/xs_log.c,$(XS_CORE_SRCS)) tests/fuzz/fuzz_xs_request.c
FUZZ_XS_OBJS := $(patsubst %.c,$(OBJ)/fuzz/%.o,$(FUZZ_XS_SRCS))

$(OBJ)/fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZCC  $<")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

$(FUZZ_XS): $(FUZZ_XS_OBJS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $@ $^

$(FUZZ_XS_SEEDS): $(OBJ)/host/tests/fuzz/xs_seeds.o
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^

# The short run in `make test` is an integration test of its own.
$(TESTBIN)/integration/test_fuzz_xs_request: | $(FUZZ_XS) $(FUZZ_XS_SEEDS)

.PHONY: fuzz
fuzz: deps
	$(Q)$(MAKE) --no-print-directory $(FUZZ_XS) $(FUZZ_XS_SEEDS)
	$(Q)mkdir -p $(FUZZ_DIR)/corpus/xs_request $(FUZZ_DIR)/artifacts
	$(Q)$(FUZZ_XS_SEEDS) $(FUZZ_DIR)/corpus/xs_request
	$(Q)$(FUZZ_XS) -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
		-artifact_prefix=$(FUZZ_DIR)/artifacts/ $(FUZZ_DIR)/corpus/xs_request
