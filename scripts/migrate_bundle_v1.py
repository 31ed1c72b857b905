#!/usr/bin/env python3
"""Convert GenSuite model bundles from config.json format gensuite-bundle/1 to gensuite-bundle/2.

Format 1 stored each tool's own config (the family's hyper-parameters nested inside it); format 2
names the engine's model family and stores its config at the top level, with what the tool needs
beside it under "domain". Weights (model.safetensors) do not change. Usage:

    python3 scripts/migrate_bundle_v1.py BUNDLE_FOLDER...

Each config.json is rewritten in place (the old one is kept as config.v1.json).
"""
import json
import os
import sys


def migrate(old):
    family, config = old["family"], old["config"]
    if family in ("image-vae", "image-gan", "image-classifier"):
        domain = {k: config[k] for k in ("channels", "size", "classNames")}
        if family == "image-vae":
            new_family, new_config = "vae", config["vae"]
        elif family == "image-gan":
            new_family, new_config = "gan", config["gan"]
        else:
            new_family = "image-classifier"
            new_config = {"channels": config["channels"], "size": config["size"], "classes": len(config["classNames"])}
    elif family == "music-chorale":
        domain = {"tokens": config["tokens"]}
        arch = config["arch"]
        new_family = {"markov": "ngram", "lstm": "recurrent-lm", "transformer": "transformer-lm"}[arch]
        new_config = config[arch]
    elif family in ("transformer-lm", "ngram"):
        domain, new_family, new_config = {}, family, config
    elif family == "gmm":
        domain, new_family, new_config = {}, "gaussian-mixture", config
    else:
        raise SystemExit(f"unknown format-1 family '{family}'")
    new = {"format": "gensuite-bundle/2", "family": new_family, "config": new_config, "domain": domain,
           "tensors": old["tensors"], "metrics": old.get("metrics", {})}
    if "training" in old:
        new["training"] = old["training"]
    return new


def main(folders):
    for folder in folders:
        path = os.path.join(folder, "config.json")
        with open(path) as f:
            old = json.load(f)
        if old.get("format") != "gensuite-bundle/1":
            print(f"{folder}: format {old.get('format')}, left as it is")
            continue
        new = migrate(old)
        os.replace(path, os.path.join(folder, "config.v1.json"))
        with open(path, "w") as f:
            # The engine's own layout: two-space indent, sorted keys, " : " separators.
            f.write(json.dumps(new, indent=2, sort_keys=True, ensure_ascii=False, separators=(",", " : ")) + "\n")
        print(f"{folder}: {old['family']} -> {new['family']}")


if __name__ == "__main__":
    main(sys.argv[1:])
