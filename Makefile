# The two commands of the README: `make demo` and `make test`. Both install what is missing
# (scripts/install-deps.sh), configure and build (Release, -j2) first.
BUILD ?= build
BUILD_ASAN ?= build-asan
BUILD_TSAN ?= build-tsan
CLANG_CC ?= clang-14
CLANG_CXX ?= clang++-14
FUZZERS ?= json record import query pack
FUZZ_SECONDS ?= 60
TSAN_SECONDS ?= 10
KILLS ?= 300
JOBS ?= 2
CMAKE_FLAGS ?=

# The checked build (clang, Debug: -O0, whose compile is a third faster than -O1 under the
# sanitizers; line tables only, -g1, enough for the sanitizers' stack traces at a tenth less).
ASAN_CMAKE = -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=$(CLANG_CC) -DCMAKE_CXX_COMPILER=$(CLANG_CXX) \
  -DCLMIS_SANITIZE=ON -DCLMIS_FUZZ=ON -DCLMIS_BENCH=OFF -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DCMAKE_C_FLAGS_DEBUG=-g1

.PHONY: all deps build test demo sanitize sanitize-build tsan fuzz crash bench clean

all: build

deps:
	./scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j$(JOBS)

# Every test: Catch2 (C++ and C API), the header test, the exported-symbol check, the example
# programs, the command line and the install test.
test: build
	cd $(BUILD) && ctest -j$(JOBS) --output-on-failure

# Runs the main job on a fresh embedded SQLite database and prints what it did.
demo: build
	./scripts/demo.sh $(BUILD)

# The checked build: clang with AddressSanitizer and UndefinedBehaviorSanitizer, and the
# libFuzzer targets; every C++ and C test (the concurrency and crash tests included) and each
# fuzzer over its seed corpus. gcc builds the release (`make build`), clang this one.
sanitize: deps
	cmake -S . -B $(BUILD_ASAN) $(ASAN_CMAKE) $(CMAKE_FLAGS)
	cmake --build $(BUILD_ASAN) -j$(JOBS)
	cd $(BUILD_ASAN) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest -j$(JOBS) --output-on-failure

# The concurrency test under ThreadSanitizer (only its binary is built with it; unoptimised: the
# build is this pass's cost, and the test runs for TSAN_SECONDS whatever its speed).
tsan: deps
	cmake -S . -B $(BUILD_TSAN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=$(CLANG_CC) \
	  -DCMAKE_CXX_COMPILER=$(CLANG_CXX) -DCLMIS_TSAN=ON -DCLMIS_PYTHON=OFF -DCLMIS_BENCH=OFF \
	  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O0 -g1" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O0 -g1" $(CMAKE_FLAGS)
	cmake --build $(BUILD_TSAN) -j$(JOBS) --target clmis_concurrency
	d=$$(mktemp -d) && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
	  $(BUILD_TSAN)/tests/clmis_concurrency $$d $(TSAN_SECONDS) 4 8; rc=$$?; rm -rf $$d; exit $$rc

# Each fuzz target for FUZZ_SECONDS on its corpus (tests/fuzz/corpus/NAME, read; new inputs go to
# $(BUILD_ASAN)/fuzz-corpus/NAME), JOBS of them at a time (a fuzzer uses one core). A finding is
# written to $(BUILD_ASAN)/fuzz-findings/ and fails the run: add the input to
# tests/fuzz/corpus/NAME with the fix, and it stays a test.
fuzz: sanitize-build
	@rm -rf $(BUILD_ASAN)/fuzz-findings $(BUILD_ASAN)/fuzz-logs
	@mkdir -p $(BUILD_ASAN)/fuzz-findings $(BUILD_ASAN)/fuzz-logs
	@printf '%s\n' $(FUZZERS) | xargs -P $(JOBS) -I NAME sh -c '\
	  mkdir -p $(BUILD_ASAN)/fuzz-corpus/NAME; \
	  ASAN_OPTIONS=detect_leaks=1 $(BUILD_ASAN)/tests/fuzz/fuzz_NAME -max_total_time=$(FUZZ_SECONDS) \
	    -print_final_stats=1 -artifact_prefix=$(BUILD_ASAN)/fuzz-findings/NAME- \
	    $(BUILD_ASAN)/fuzz-corpus/NAME tests/fuzz/corpus/NAME > $(BUILD_ASAN)/fuzz-logs/NAME.log 2>&1; true'
	@if ls $(BUILD_ASAN)/fuzz-findings/* > /dev/null 2>&1; then echo "FINDINGS:"; ls $(BUILD_ASAN)/fuzz-findings; for l in $(BUILD_ASAN)/fuzz-logs/*.log; do tail -20 $$l; done; exit 1; fi
	@ok=1; for f in $(FUZZERS); do \
	  echo "fuzz_$$f: $(FUZZ_SECONDS) s"; \
	  grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|Done [0-9]+ runs)|ERROR|SUMMARY' \
	    $(BUILD_ASAN)/fuzz-logs/$$f.log || true; \
	  grep -qE '^Done [0-9]+ runs in' $(BUILD_ASAN)/fuzz-logs/$$f.log || { echo "fuzz_$$f did not run to its end:"; \
	    tail -20 $(BUILD_ASAN)/fuzz-logs/$$f.log; ok=0; }; \
	done; [ $$ok = 1 ]

sanitize-build: deps
	cmake -S . -B $(BUILD_ASAN) $(ASAN_CMAKE) $(CMAKE_FLAGS)
	cmake --build $(BUILD_ASAN) -j$(JOBS)

# kill -9 during imports, transitions and migrations, KILLS times (300 by default; make test: 30).
crash: build
	d=$$(mktemp -d) && $(BUILD)/tests/clmis_crash $$d $(KILLS); rc=$$?; rm -rf $$d; exit $$rc

# Benchmarks against their peers on the same data — raw SQLite, the sqlite3 shell, nlohmann::json,
# pandas.read_sql, hand-written SQL (not tests; they print figures and ratios). bench/README.md.
# The queue benchmark keeps its million complaints in $(BUILD)/bench for the next run.
bench: build
	$(BUILD)/bench/bench_records
	$(BUILD)/bench/bench_json
	$(BUILD)/bench/bench_queue $${QUEUE_ROWS:-1000000} $(BUILD)/bench $${QUEUE_REPS:-200}
	./bench/import_bench.sh $(BUILD) $${ROWS:-1000000}
	/usr/bin/python3 bench/pandas_bench.py $(BUILD) $${PANDAS_ROWS:-200000}

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_TSAN)
