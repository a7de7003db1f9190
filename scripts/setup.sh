#!/usr/bin/env bash
# Installs what mowai needs to build and test, and nothing that is already there: safe to run again.
set -euo pipefail

packages=(
  libncursesw5-dev libcurl4-openssl-dev libwebsockets-dev libssl-dev
  libvulkan-dev mesa-vulkan-drivers glslc
  openssl pkg-config tmux curl systemd
  nodejs node-ws
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "setup: need root (or sudo) to install: ${missing[*]}" >&2
      exit 1
    fi
  fi
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
  echo "setup: the Swift toolchain (6.0 or later) must be on PATH" >&2
  exit 1
fi
echo "setup: system packages ready"

# The independent references the tests compare against, from PyPI: the gguf package (llama.cpp's own
# Python reader) with numpy, Hugging Face's tokenizers, OpenAI's official client (for `mowai serve`) and
# prometheus_client's text parser (for the arena's /metrics).
if ! python3 -c "import gguf.quants, numpy, tokenizers, openai, prometheus_client" 2>/dev/null; then
  echo "setup: installing the gguf, numpy, tokenizers, openai and prometheus_client Python packages (test references)"
  python3 -m pip install --quiet "gguf==0.19.0" numpy "tokenizers==0.23.3" "openai==3.63.0" "prometheus_client==0.21.1"
fi

# The default model (SmolLM2-135M-Instruct Q4_1) into ~/.local/share/mowai/models ($XDG_DATA_HOME/mowai/models),
# or $MOWAI_MODELS; `mowai models` lists what mowai finds.
"$(dirname "$0")/fetch-model.sh"

# Gemma 3 270M (Q4_K_M: K-quants, a SentencePiece vocabulary of 262k), for the tests of the models users bring.
"$(dirname "$0")/fetch-model.sh" gemma3
