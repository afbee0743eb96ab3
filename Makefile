# The two commands a newcomer runs (README.md):
#   make run    install what is missing, build, run the main job
#   make test   build and run the tests
# Everything else here is a step of those two. CMake does the real build; this file only sequences it.

PACKAGES := cmake make g++ pkg-config libhalide14-0-dev libbenchmark-dev libfftw3-dev catch2 \
            libopenblas-openmp-dev libdnnl-dev ocl-icd-opencl-dev python3-matplotlib python3-numpy
BUILD    ?= build
ASAN_BUILD ?= build-asan
JOBS     ?= $(shell nproc)
# The kernels' vector width follows the target (16 floats under AVX-512, 8 under AVX2), so one build tests
# one width. On an AVX-512 host the sanitized build targets AVX2 (x86-64-v3): CI then runs both widths.
ASAN_MARCH ?= $(shell grep -qw avx512f /proc/cpuinfo && echo x86-64-v3 || echo native)
CONVLAB  := $(BUILD)/harness/convlab

.PHONY: run test test-asan deps build build-asan clean

# Installs missing Debian packages when root (after apt-get update); otherwise prints the apt-get line.
deps:
	@missing=""; for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else \
	  echo "convlab needs Debian packages that are missing; run as root:"; \
	  echo "  apt-get update && apt-get install -y --no-install-recommends$$missing"; \
	  exit 1; \
	fi

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

$(ASAN_BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCONVLAB_SANITIZE=ON -DCONVLAB_MARCH=$(ASAN_MARCH)

build-asan: deps $(ASAN_BUILD)/CMakeCache.txt
	cmake --build $(ASAN_BUILD) -j $(JOBS)

# The main job: the quick default sweep (about 3 minutes on 2 cores), then its plots and report.
run: build
	$(CONVLAB) sweep

test: build
	cd $(BUILD) && ctest --output-on-failure -j 2

# The same tests under AddressSanitizer and UndefinedBehaviorSanitizer.
test-asan: build-asan
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j 2

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
