# GenSuite: the README's commands. Each target installs missing Debian packages first (as root),
# or prints the exact apt-get line to run.
SWIFT ?= swift
DEBIAN_PACKAGES := libpng-dev libopenblas-dev zlib1g-dev pkg-config
RELEASE := .build/release
SHELL := /bin/bash

PREFIX ?= /usr/local
TOOLS := gen-image gen-music gen-text gen-level gen-molecule augment gen-bench engine-demo

.PHONY: all deps oracles build release lint test demo bench install readme-check readme-assets fuzz clean

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

# The toolchain's formatter, with the project's .swift-format: any finding fails.
lint:
	$(SWIFT) format lint --strict --recursive Sources Apps Tests Package.swift

# Optional test oracles (the tests that compare against them skip without them): WordNet's
# database (Debian's wordnet-base) and the Python libraries whose readers and reference
# implementations tests check our files and outputs with. Best effort, one package at a time,
# each step time-limited; never a runtime dependency.
ORACLE_PIP := rdkit==2026.9.1 mido==1.3.3 music21==10.5.1 pytmx==3.32 albumentations==2.0.8 imbalanced-learn==0.14.2
oracles:
	@if dpkg -s wordnet-base >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  export DEBIAN_FRONTEND=noninteractive; \
	  timeout 180 apt-get install -y -qq wordnet-base >/dev/null 2>&1 || \
	  { timeout 180 apt-get update -qq && timeout 180 apt-get install -y -qq wordnet-base >/dev/null 2>&1; } || \
	  echo "oracles: wordnet-base not installed; the WordNet tests will skip"; \
	else echo "oracles: for the WordNet tests run: sudo apt-get install -y wordnet-base"; fi
	@for p in $(ORACLE_PIP); do \
	  out=$$(timeout 240 python3 -m pip install -q "$$p" 2>&1) || \
	  echo "oracles: $$p not installed ($$(echo "$$out" | tail -1)); its tests will skip"; \
	done

# Lint, the README's commands (readme-check), then XCTest only (the suite has no Swift Testing
# tests); the last line is a plain 'N passed, N skipped, N failed' (skipped: optional oracles
# that are not installed: `make oracles`).
test: deps lint readme-check
	@set -o pipefail; mkdir -p .build; \
	$(SWIFT) test --disable-swift-testing 2>&1 | tee .build/test.log; status=$$?; \
	summary=$$(grep -E "Executed [0-9]+ tests?, with " .build/test.log | tail -1); \
	total=$$(echo "$$summary" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/'); \
	failed=$$(echo "$$summary" | sed -E 's/.* ([0-9]+) failures?.*/\1/'); \
	skipped=$$(echo "$$summary" | grep -oE '[0-9]+ tests? skipped' | grep -oE '^[0-9]+' || echo 0); \
	if [ -n "$$summary" ]; then echo "$$((total - failed - skipped)) passed, $$skipped skipped, $$failed failed"; fi; \
	exit $$status

demo: release
	$(RELEASE)/engine-demo --out demo/engine
	mkdir -p demo/gen-image
	$(RELEASE)/gen-image --force --grid demo/gen-image/samples.png
	$(RELEASE)/gen-image interpolate --from samples/augment/mnist-100/3/t10k-00018.png --to samples/augment/mnist-100/8/t10k-00061.png --force --out demo/gen-image/interpolation.png
	mkdir -p demo/gen-music
	cd demo/gen-music && ../../$(RELEASE)/gen-music --bars 16 --force --piano-roll song.png --audio song.wav
	$(RELEASE)/gen-music --bars 16 --key Am --cadence --seed 7 --force --out demo/gen-music/a-minor.mid --piano-roll demo/gen-music/a-minor.png
	$(RELEASE)/gen-music inspect demo/gen-music/song.mid
	mkdir -p demo/gen-text
	$(RELEASE)/gen-text "ROMEO:" --max-tokens 300 --seed 7 | tee demo/gen-text/romeo.txt
	$(RELEASE)/gen-text --model text-ko "대한민국은" --max-tokens 150 --seed 7 | tee demo/gen-text/korean.txt
	mkdir -p demo/gen-level
	$(RELEASE)/gen-level --seed 7 --force --out demo/gen-level/level.txt
	$(RELEASE)/gen-level --seed 7 --force --format png --out demo/gen-level/level.png
	$(RELEASE)/gen-level --seed 7 --force --format tmx --out demo/gen-level/level.tmx
	$(RELEASE)/gen-level check demo/gen-level/level.txt
	$(RELEASE)/gen-level --game dungeon --seed 7 --force --out demo/gen-level/dungeon.txt
	$(RELEASE)/gen-level --game dungeon --seed 7 --force --format png --out demo/gen-level/dungeon.png
	$(RELEASE)/gen-level check --game dungeon demo/gen-level/dungeon.txt
	mkdir -p demo/gen-molecule
	$(RELEASE)/gen-molecule --count 20 --seed 7 | tee demo/gen-molecule/molecules.smi
	$(RELEASE)/gen-molecule --count 100 --seed 7 --format csv --force --out demo/gen-molecule/molecules.csv
	$(RELEASE)/gen-molecule check demo/gen-molecule/molecules.smi > /dev/null && echo "all 20 molecules valid"
	rm -rf demo/augment/mnist
	$(RELEASE)/augment images --in samples/augment/mnist-100 --out demo/augment/mnist --copies 4 --seed 7 \
	  --pipeline "rotate:limit=15,p=0.8; crop:scale=0.7-1,size=28; elastic:alpha=25,sigma=4,p=0.3; noise:std=0.03-0.08; cutout:holes=1,size=6-9; mixup:alpha=0.4,p=0.2"
	head -3 demo/augment/mnist/manifest.jsonl
	$(RELEASE)/augment preview --in samples/augment/detection/chelsea.png --boxes yolo --count 11 --seed 1 --force --out demo/augment/preview.png \
	  --pipeline "hflip; affine:scale=0.8-1.2,rotate=20,shear=8,translate=0.08,border=reflect,p=0.9; crop:scale=0.5-1,size=224x160; jitter:brightness=0.3,contrast=0.3,saturation=0.4,hue=0.05,p=0.8; blur:p=0.2; cutout:holes=1-3,size=20-40"

bench: release
	$(RELEASE)/gen-bench --json bench.json
	@if python3 -c "import torch" 2>/dev/null; then \
	  python3 bench/versus_pytorch.py --gen-bench $(RELEASE)/gen-bench; \
	else echo "PyTorch not installed: skipping the PyTorch comparison (pip install torch)"; fi

# Every tool into $(PREFIX)/bin and the shipped models into $(PREFIX)/share/gensuite/models,
# where the tools look for them (see README, "Build and install").
install: release
	install -d $(PREFIX)/bin $(PREFIX)/share/gensuite/models
	for t in $(TOOLS); do install -m 755 $(RELEASE)/$$t $(PREFIX)/bin/; done
	for m in SharedModels/*/; do \
	  name=$$(basename $$m); install -d $(PREFIX)/share/gensuite/models/$$name; \
	  find $$m -maxdepth 1 -type f ! -name '*.tmp*' -exec install -m 644 {} $(PREFIX)/share/gensuite/models/$$name/ \; ; \
	done
	for d in shakespeare dungeon vglc vglc/smb1; do \
	  install -d $(PREFIX)/share/gensuite/samples/data/$$d; \
	  find samples/data/$$d -maxdepth 1 -type f -exec install -m 644 {} $(PREFIX)/share/gensuite/samples/data/$$d/ \; ; \
	done

# Every ```sh block of README.md, as written and in order, in a temporary folder with the built
# tools on PATH; blocks marked <!-- readme-check: skip (...) --> are skipped (scripts/readme_check.py).
readme-check: release
	@if command -v python3 >/dev/null 2>&1; then python3 scripts/readme_check.py --bin $(RELEASE); \
	else echo "python3 not found: the README check needs it (apt-get install python3)"; exit 1; fi

# Remakes every output the README shows (its <!-- readme-output/readme-asset --> commands), so that
# none drifts from what the tools do now (scripts/readme_assets.py; --check only compares).
readme-assets: release
	python3 scripts/readme_assets.py --bin $(RELEASE)

clean:
	rm -rf .build demo bench.json bench-pytorch.json

# libFuzzer targets for every parser the tools expose (scripts/fuzz.sh; FUZZ_SECONDS, FUZZ_TARGETS).
fuzz:
	scripts/fuzz.sh
