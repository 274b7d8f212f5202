# The two commands of the README: `make demo` and `make test`. Both install what is missing
# (scripts/install-deps.sh), configure and build (Release, -j2) first.
BUILD ?= build
BUILD_ASAN ?= build-asan
JOBS ?= 2
CMAKE_FLAGS ?=

.PHONY: all deps build test demo sanitize bench clean

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

# The C++ and C tests again, built with AddressSanitizer and UndefinedBehaviorSanitizer.
sanitize: deps
	cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DCLMIS_SANITIZE=ON $(CMAKE_FLAGS)
	cmake --build $(BUILD_ASAN) -j$(JOBS)
	cd $(BUILD_ASAN) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest -j$(JOBS) --output-on-failure

# Benchmarks against raw SQLite on the same data (not tests; they print figures and ratios).
bench: build
	$(BUILD)/bench/bench_records
	$(BUILD)/bench/bench_json
	./bench/import_bench.sh $(BUILD) $${ROWS:-1000000}

clean:
	rm -rf $(BUILD) $(BUILD_ASAN)
