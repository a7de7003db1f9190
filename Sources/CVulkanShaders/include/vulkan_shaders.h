// The SPIR-V of mowai's Vulkan compute shaders, generated from glsl/ by scripts/build-shaders.py
// (`make shaders`) and committed, so building mowai needs no shader compiler.
#ifndef MOWAI_VULKAN_SHADERS_H
#define MOWAI_VULKAN_SHADERS_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *name;
    const uint32_t *words;
    size_t count;
} mowai_shader;

extern const mowai_shader mowai_shaders[];
extern const size_t mowai_shader_count;

/// The shader called `name` (matmul_q4_0, rms_norm, …), or NULL.
const mowai_shader *mowai_shader_named(const char *name);

#endif
