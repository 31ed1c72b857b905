# GenSuite: the README's commands. Each target installs missing Debian packages first (as root),
# or prints the exact apt-get line to run.
SWIFT ?= swift
DEBIAN_PACKAGES := libpng-dev libopenblas-dev zlib1g-dev pkg-config
RELEASE := .build/release

.PHONY: all deps build release test demo bench clean

all: build

deps:
	@missing=""; \
	if command -v dpkg >/dev/null 2>&1; then \
	  for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	fi; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "GenSuite needs these Debian packages:$$missing"; \
	    echo "run: sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

test: deps
	$(SWIFT) test

demo: release
	$(RELEASE)/engine-demo --out demo/engine

bench: release
	$(RELEASE)/gen-bench --json bench.json
	@if python3 -c "import torch" 2>/dev/null; then \
	  python3 bench/pytorch_reference.py --json bench-pytorch.json && \
	  $(RELEASE)/gen-bench compare bench.json bench-pytorch.json; \
	else echo "PyTorch not installed: skipping the PyTorch comparison (pip install torch)"; fi

clean:
	rm -rf .build demo bench.json bench-pytorch.json
