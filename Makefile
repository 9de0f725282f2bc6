# Thin wrapper around CMake, ctest and the end-to-end test suites.
#
#   make run    builds and runs ddbd on 127.0.0.1:8000 (data in ./data)
#   make test   builds and runs every test
#
# Missing Debian packages are installed by `make deps` (a quiet no-op when
# everything is already there).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build
# Steps run in order; the compilers and ctest parallelise internally.
.NOTPARALLEL:

JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
ARGS       ?=
# Run the end-to-end suite a second time against the ASan/UBSan binary.
E2E_ASAN   ?= 1
# Seconds each libFuzzer target runs for in `make test`.
FUZZ_TIME  ?= 15
# The e2e tests always use the Debian interpreter: the default `python3` may be
# a pyenv build that has boto3 but no pytest; the apt packages below give
# /usr/bin/python3 both.
PYTHON     := /usr/bin/python3

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

BUILD_PKGS := cmake g++ make pkg-config libboost1.81-dev libsimdjson-dev \
              liblmdb-dev libspdlog-dev libssl-dev zlib1g-dev libgtest-dev
PY_PKGS    := python3-pytest:pytest python3-boto3:boto3

ASAN_ENV := ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

.PHONY: all deps configure configure-release configure-asan build build-asan build-tsan \
        run test test-unit test-e2e test-js test-fuzz bench soak stress clean docker image-rootfs

all: build

# ---------------------------------------------------------------------------
# Dependencies: only what is missing, and silent when nothing is.
deps:
	@missing=""; \
	for p in $(BUILD_PKGS); do \
	  dpkg -s "$$p" >/dev/null 2>&1 || missing="$$missing $$p"; \
	done; \
	for pm in $(PY_PKGS); do \
	  p="$${pm%%:*}"; m="$${pm##*:}"; \
	  dpkg -s "$$p" >/dev/null 2>&1 || $(PYTHON) -c "import $$m" >/dev/null 2>&1 || missing="$$missing $$p"; \
	done; \
	command -v aws  >/dev/null 2>&1 || missing="$$missing awscli"; \
	command -v node >/dev/null 2>&1 || missing="$$missing nodejs"; \
	command -v npm  >/dev/null 2>&1 || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then \
	    $(SUDO) apt-get update -qq; \
	  fi; \
	  if ! $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; then \
	    $(SUDO) apt-get update -qq; \
	    $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	  fi; \
	fi

# ---------------------------------------------------------------------------
# Configure (only when the build tree does not exist yet or the Makefile
# changed; CMake re-runs itself when CMakeLists.txt changes).
configure: configure-release configure-asan

configure-release: build/CMakeCache.txt
configure-asan: build-asan/CMakeCache.txt

# Both trees treat warnings as errors. The unit tests are built in the ASan
# tree only: `make build` (and `make run`) compile just the server and the
# load generator. Depending on the Makefile re-runs the configure step of an
# existing tree when these flags change.
build/CMakeCache.txt: Makefile
	cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DDDBD_TESTS=OFF -DDDBD_WERROR=ON
	@touch $@  # CMake leaves an unchanged cache's mtime alone

build-asan/CMakeCache.txt: Makefile
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DDDBD_SANITIZE=ON -DDDBD_WERROR=ON
	@touch $@

build-tsan/CMakeCache.txt:
	cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDDBD_TSAN=ON

# ---------------------------------------------------------------------------
# Build: build/ddbd and build/ddbd_loadgen; build-asan/ also has ddbd_unit_tests.
build: deps
	@$(MAKE) --no-print-directory configure-release
	cmake --build build -j$(JOBS)

build-asan: deps
	@$(MAKE) --no-print-directory configure-asan
	cmake --build build-asan -j$(JOBS)

build-tsan: deps
	@$(MAKE) --no-print-directory build-tsan/CMakeCache.txt
	cmake --build build-tsan -j$(JOBS)

run: build
	exec build/ddbd --port 8000 $(ARGS)

# ---------------------------------------------------------------------------
# Tests: unit (release + ASan/UBSan), e2e (boto3 + AWS CLI via pytest; again
# under ASan unless E2E_ASAN=0), the JS SDK smoke test, then the fuzzers.
test: build build-asan
	@$(MAKE) --no-print-directory test-unit test-e2e test-js test-fuzz

# The unit tests run once, as one process, under ASan/UBSan (ctest's process
# per test cost two minutes of sanitizer start-up); ctest runs the layer
# include checks.
test-unit:
	ctest --test-dir build-asan --output-on-failure -j2 -L layers
	$(ASAN_ENV) build-asan/ddbd_unit_tests --gtest_brief=1

test-e2e:
	@if [ ! -d tests/e2e ]; then echo "test-e2e: no tests/e2e directory, skipped"; exit 0; fi; \
	echo "+ DDBD_BIN=$(CURDIR)/build/ddbd $(PYTHON) -m pytest -q tests/e2e"; \
	DDBD_BIN=$(CURDIR)/build/ddbd $(PYTHON) -m pytest -q tests/e2e; \
	if [ "$(E2E_ASAN)" = 1 ]; then \
	  echo "+ DDBD_E2E_NO_CLI=1 DDBD_BIN=$(CURDIR)/build-asan/ddbd $(PYTHON) -m pytest -q tests/e2e   (ASan/UBSan; the AWS CLI tests run in the release pass)"; \
	  $(ASAN_ENV) DDBD_E2E_NO_CLI=1 DDBD_SPACE_MEMORY_MB=256 DDBD_BIN=$(CURDIR)/build-asan/ddbd $(PYTHON) -m pytest -q tests/e2e; \
	else \
	  echo "test-e2e: ASan e2e pass skipped (E2E_ASAN=$(E2E_ASAN))"; \
	fi

test-js:
	@if [ ! -f tests/e2e/js/package.json ]; then echo "test-js: no tests/e2e/js/package.json, skipped"; exit 0; fi; \
	if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then \
	  echo "test-js: node/npm not found, skipped"; exit 0; fi; \
	cd tests/e2e/js; \
	if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; \
	else npm install --no-audit --no-fund --loglevel=error; fi; \
	echo "+ DDBD_BIN=$(CURDIR)/build/ddbd node smoke.mjs"; \
	DDBD_BIN=$(CURDIR)/build/ddbd node smoke.mjs || exit 1; \
	cd $(CURDIR)/examples/lambda-node; \
	npm ci --no-audit --no-fund --loglevel=error || exit 1; \
	cd $(CURDIR)/examples/node; \
	npm ci --no-audit --no-fund --loglevel=error || exit 1; \
	cd $(CURDIR); \
	echo "+ DDBD_BIN=$(CURDIR)/build/ddbd $(PYTHON) -m pytest -q tests/e2e/test_examples.py tests/e2e/test_recipes.py -k node"; \
	DDBD_BIN=$(CURDIR)/build/ddbd $(PYTHON) -m pytest -q tests/e2e/test_examples.py tests/e2e/test_recipes.py -k node

test-fuzz:
	@shopt -s nullglob; srcs=(tests/fuzz/*_fuzz.cc); \
	if [ $${#srcs[@]} -eq 0 ]; then echo "test-fuzz: no tests/fuzz/*_fuzz.cc, skipped"; exit 0; fi; \
	if ! command -v clang++ >/dev/null 2>&1; then echo "test-fuzz: clang++ not found, skipped"; exit 0; fi; \
	names=(); for s in "$${srcs[@]}"; do n="$${s##*/}"; names+=("$${n%.cc}"); done; \
	if [ ! -f build-fuzz/CMakeCache.txt ]; then \
	  echo "+ CC=clang CXX=clang++ cmake -S . -B build-fuzz -DDDBD_FUZZ=ON -DDDBD_TESTS=OFF"; \
	  CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDDBD_FUZZ=ON -DDDBD_TESTS=OFF; \
	fi; \
	cmake --build build-fuzz -j$(JOBS) --target "$${names[@]}"; \
	for n in "$${names[@]}"; do \
	  corpus=build-fuzz/corpus/$$n; mkdir -p "$$corpus"; \
	  if [ -d tests/fuzz/corpus/$$n ]; then cp -n tests/fuzz/corpus/$$n/* "$$corpus"/ 2>/dev/null || true; fi; \
	  echo "+ build-fuzz/$$n -max_total_time=$(FUZZ_TIME) -rss_limit_mb=2048 $$corpus"; \
	  build-fuzz/$$n -max_total_time=$(FUZZ_TIME) -rss_limit_mb=2048 -artifact_prefix=build-fuzz/ "$$corpus"; \
	done

# ---------------------------------------------------------------------------
bench: build
	@if [ -x bench/run.sh ] || [ -f bench/run.sh ]; then bash bench/run.sh; \
	else echo "bench: no bench/run.sh yet; build/ddbd_loadgen is built"; fi

# ---------------------------------------------------------------------------
# Reliability.  `make soak`: SOAK_SECONDS (180) of mixed load, memory sampled
# every 15 s.  `make stress`: the abuse tests at full length (100 kill -9
# cycles, a long request fuzz, 1 GB in-memory store) against the release
# build, then the concurrency tests and a short soak against the
# ThreadSanitizer build; any TSan report other than LMDB's reader table
# (tests/tsan.supp) stops the server and fails the run.
STRESS_CYCLES ?= 100
STRESS_FUZZ   ?= 20000
TSAN_ENV := TSAN_OPTIONS="suppressions=$(CURDIR)/tests/tsan.supp halt_on_error=1 exitcode=66 second_deadlock_stack=1"

soak: build
	$(PYTHON) bench/soak.py

stress: build build-tsan
	DDBD_CRASH_CYCLES=$(STRESS_CYCLES) DDBD_FUZZ_ITERATIONS=$(STRESS_FUZZ) DDBD_BIN=$(CURDIR)/build/ddbd \
	  $(PYTHON) -m pytest -q tests/e2e/test_crash_loop.py tests/e2e/test_store_space.py $(wildcard tests/e2e/test_request_fuzz.py)
	$(TSAN_ENV) ctest --test-dir build-tsan --output-on-failure -R 'Engine|Concurren'
	$(TSAN_ENV) DDBD_CRASH_CYCLES=3 DDBD_BIN=$(CURDIR)/build-tsan/ddbd \
	  $(PYTHON) -m pytest -q tests/e2e/test_tx_stress.py tests/e2e/test_crash_loop.py tests/e2e/test_batch.py tests/e2e/test_transactions.py
	$(TSAN_ENV) SOAK_SECONDS=60 SOAK_MAX_ANON_GROWTH_MB=100000 DDBD_BIN=$(CURDIR)/build-tsan/ddbd LOADGEN=$(CURDIR)/build/ddbd_loadgen $(PYTHON) bench/soak.py

clean:
	rm -rf build build-asan build-tsan build-fuzz

docker:
	docker build -t ddbd .

# The container image's root filesystem (what the Dockerfile's FROM scratch
# stage holds) from the release build: build/image-rootfs.  No `deps`: the
# Dockerfile's build stage runs this with only the build packages.
image-rootfs:
	@$(MAKE) --no-print-directory configure-release
	cmake --build build -j$(JOBS) --target ddbd
	bash docker/image-rootfs.sh build/ddbd build/image-rootfs
