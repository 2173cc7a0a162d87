# The two commands of the README: `make run` and `make test`. Both install what is missing first.
SHELL := /bin/bash
BUILD ?= build
# One clang tree under AddressSanitizer, UBSan and libFuzzer's coverage instrumentation serves both the unit
# tests (test-asan) and the fuzz targets: a third compile of everything cost CI about nine minutes.
SANITIZE_BUILD ?= build-sanitize
JOBS ?= $(shell nproc)
PORT ?= 3001
FUZZ_SECONDS ?= 10
LOOPBACK := ../shared/tools/loopback-only

.PHONY: deps build run test test-unit test-asan test-integration test-integration-postgres test-client test-cluster test-browser fuzz fuzz-build bench bench-quality bench-http bench-cluster bench-summary bench-speech bench-orb format tidy clean

deps:
	@scripts/deps.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

# Development mode: generates keys and secrets on first start and keeps them in ./data.
run: build
	ROOMS_DATA_DIR=$${ROOMS_DATA_DIR:-./data} ROOM_SERVICE_PORT=$${ROOM_SERVICE_PORT:-$(PORT)} \
	  $(BUILD)/roomsd --dev

test: build
	$(MAKE) --no-print-directory test-asan
	$(MAKE) --no-print-directory fuzz
	$(MAKE) --no-print-directory test-integration
	$(MAKE) --no-print-directory test-integration-postgres
	$(MAKE) --no-print-directory test-client
	$(MAKE) --no-print-directory test-cluster
	$(MAKE) --no-print-directory test-browser
	@echo "make test: all suites passed"

test-unit: build
	cmake --build $(BUILD) -j $(JOBS) --target rooms_unit_tests
	$(BUILD)/rooms_unit_tests

$(SANITIZE_BUILD)/build.ninja:
	CXX=clang++ CC=clang cmake -S . -B $(SANITIZE_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROOMS_FUZZ=ON

# The unit tests, again under AddressSanitizer and UBSan (clang, the fuzzers' tree).
test-asan: deps $(SANITIZE_BUILD)/build.ninja
	cmake --build $(SANITIZE_BUILD) -j $(JOBS) --target rooms_unit_tests
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  $(SANITIZE_BUILD)/rooms_unit_tests

fuzz-build: deps $(SANITIZE_BUILD)/build.ninja
	cmake --build $(SANITIZE_BUILD) -j $(JOBS) --target fuzzers

# Every fuzz target for FUZZ_SECONDS over its seed corpus, one per core at a time; a crash fails the run.
fuzz: fuzz-build
	@ls $(SANITIZE_BUILD)/*_fuzz | xargs -P $(JOBS) -I{} scripts/fuzz-one.sh {} $(FUZZ_SECONDS)

test-integration: build
	$(LOOPBACK) node --test --test-concurrency=1 tests/integration/

# The suites that exercise the store most, again with every roomsd keeping it in PostgreSQL (a server the
# tests start themselves: tests/integration/helpers/postgres.mjs; docs/cluster.md). About a minute.
PG_SUITES := api events webhooks crash intelligence spec-client
test-integration-postgres: build
	ROOMS_TEST_STORE=postgresql $(LOOPBACK) node --test --test-concurrency=1 \
	  $(foreach s,$(PG_SUITES),tests/integration/$(s).test.mjs)

# The Node client package (clients/node: RoomService, roomsctl) against the real build/roomsd, including
# restarts and outages of roomsd; loopback only.
test-client: build
	$(LOOPBACK) node --test --test-concurrency=1 clients/node/test/

# Cluster mode (docs/cluster.md): three roomsd nodes on one PostgreSQL and one Redis, both started by the
# tests on loopback ports; the spec's client through one node, and a browser call whose owner is killed.
test-cluster: build
	$(LOOPBACK) node --test --test-concurrency=1 tests/cluster/

# The room page (web/) in headless Chromium and Firefox ESR against the real roomsd: two participants, real
# media over 127.0.0.1 only (the loopback-only namespace), screenshots under test-artifacts/.
test-browser: build
	$(LOOPBACK) node --test --test-concurrency=1 tests/browser/

# The media plane: the same WebRTC load (build/rooms-loadgen) against roomsd and Janus, then the SRTP floor; a
# table of CPU per forwarded packet, capacity, latency and memory (bench/README.md). About 6 minutes.
bench: build
	@scripts/deps.sh bench
	cmake --build $(BUILD) -j $(JOBS) --target srtp_floor janus_loopback_ifaddrs
	$(LOOPBACK) bench/media/compare.sh

# Call quality over an impaired link (tests/browser/helpers/impaired-link.mjs + coturn): the room page through
# roomsd against a direct browser-to-browser call, per loss/jitter/cap profile; a table and
# test-artifacts/bench-quality.json (bench/README.md), for the first 30 s of each call and the 30 s after. About
# 20 minutes; BENCH_QUALITY_PROFILES, _WINDOW, _PHASES.
bench-quality: build
	$(LOOPBACK) node bench/quality/run.mjs

# Cluster mode on this machine: three nodes' placement spread, /status through a non-owner against the owner,
# and the media gap when an owner is killed (median of 5 kills, two Chromium pages). About 3 minutes.
bench-cluster: build
	$(LOOPBACK) node bench/cluster/run.mjs

# The control plane: wrk against the status and create routes.
bench-http: build
	bench/http/run.sh

# The embedded summary engine on a synthetic 60-minute transcript (median of 5 runs, next to a tokenizing
# baseline); fails when it takes a second or more.
bench-speech: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS) --target speech_bench
	$(BUILD)/speech_bench

# The AI Orb's reply latency stage by stage, whether it hears its name, and the word error rate, on spoken
# questions in four flite voices, next to the turn as it was taken before streaming recognition.
bench-orb: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS) --target orb_bench
	$(BUILD)/orb_bench

bench-summary: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS) --target summary_bench
	$(BUILD)/summary_bench

format:
	clang-format -i $$(git ls-files 'src/*.cpp' 'src/*.h' 'tests/*.cpp' 'fuzz/*.cpp' 'bench/*.cpp')

tidy: build
	clang-tidy -p $(BUILD) --quiet $$(git ls-files 'src/*.cpp')

clean:
	rm -rf $(BUILD) $(SANITIZE_BUILD)
