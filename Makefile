# Thin wrapper over CMake for the everyday commands.
BUILD ?= build
PYTHON ?= /usr/bin/python3
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all build install demo peers gym-venv video-venv pip-check test test-unit test-sanitize test-asan test-tsan test-fuzz bench plots clean

all: build

build:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

# cmake --install: libraries, headers, the CLI, CMake and pkg-config files
PREFIX ?= /usr/local
install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

demo: build
	./$(BUILD)/myriad demo

# every test: the suite, then the sanitizer builds and short fuzz runs
test: test-unit test-sanitize test-fuzz

# the suite; tests/python also runs with gymnasium from tests/.venv-gym,
# and test_record_video.py with gymnasium and moviepy from
# tests/.venv-video, each made here when pip can reach PyPI (else that test
# is skipped)
test-unit: build
	@scripts/gym-venv.sh || echo "gym-venv: not made (offline?): python_gymnasium will be skipped"
	@scripts/video-venv.sh || echo "video-venv: not made (offline?): python_video will be skipped"
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# the test venv with a pinned gymnasium (tests/.venv-gym)
gym-venv:
	scripts/gym-venv.sh

# the test venv of test_record_video.py: gymnasium, moviepy, its own NumPy
# (tests/.venv-video)
video-venv:
	scripts/video-venv.sh

# pip install ./python into a fresh venv of python3 (PIP_CHECK_PYTHON),
# then import, step and the `myriad` command (needs PyPI)
pip-check:
	tests/pip_install_check.sh

# AddressSanitizer + UndefinedBehaviorSanitizer over the whole C suite;
# ThreadSanitizer over the same C suite (real thread pool, 2+ threads)
SAN_EXCLUDE = python|mpi|cuda
test-sanitize: test-asan test-tsan

test-asan:
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMYR_MPI=OFF -DMYR_CUDA=OFF \
	  -DMYR_SANITIZE=address,undefined $(CMAKE_FLAGS) >/dev/null
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS) -E '$(SAN_EXCLUDE)'

test-tsan:
	cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMYR_MPI=OFF -DMYR_CUDA=OFF \
	  -DMYR_SANITIZE=thread $(CMAKE_FLAGS) >/dev/null
	cmake --build build-tsan -j $(JOBS)
	cd build-tsan && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
	  ctest --output-on-failure -j $(JOBS) -E '$(SAN_EXCLUDE)'

# short bounded libFuzzer runs of every parser (longer: FUZZ_SECONDS=600)
FUZZ_SECONDS ?= 8
# libFuzzer needs clang and its runtime (Debian: clang libclang-rt-14-dev);
# without them the fuzz runs are skipped with a message (CI installs both)
HAVE_LIBFUZZER := $(shell printf 'int LLVMFuzzerTestOneInput(const char*d,long n){(void)d;(void)n;return 0;}' \
	| clang -x c -fsanitize=fuzzer - -o /dev/null 2>/dev/null && echo yes)

test-fuzz:
ifneq ($(HAVE_LIBFUZZER),yes)
	@echo "fuzz: skipped: clang with libFuzzer not found (apt-get install clang libclang-rt-14-dev)"
else
	CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMYR_MPI=OFF \
	  -DMYR_CUDA=OFF -DMYR_TESTS=OFF -DMYR_FUZZ=ON \
	  -DMYR_SANITIZE=address,undefined,fuzzer-no-link $(CMAKE_FLAGS) >/dev/null
	cmake --build build-fuzz -j $(JOBS)
	@set -e; for f in build-fuzz/fuzz_*; do \
	  name=$${f#build-fuzz/fuzz_}; mkdir -p build-fuzz/corpus-$$name; \
	  echo "fuzz $$name ($(FUZZ_SECONDS) s)"; \
	  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 \
	  $$f -max_total_time=$(FUZZ_SECONDS) -timeout=60 -print_final_stats=0 \
	    build-fuzz/corpus-$$name fuzz/corpus/$$name 2>build-fuzz/fuzz-$$name.log \
	    || { tail -40 build-fuzz/fuzz-$$name.log; exit 1; }; \
	done; echo "fuzz: all targets ran without a crash"
endif

bench: build
	./$(BUILD)/myriad bench all

# the peer libraries of `myriad bench compare`, pinned, one venv each under
# bench/.venv-<peer> (not needed by the product or by make test)
peers:
	bench/peers/install.sh

# PNGs from the newest CSV of each kind in $(RESULTS) (bench/out: what
# `make bench` wrote; RESULTS=bench/results: the committed full run)
RESULTS ?= bench/out
plots:
	$(PYTHON) bench/plot.py $(RESULTS)

clean:
	rm -rf $(BUILD) build-asan build-tsan build-fuzz build-gpu-check build-gpu-check.log
