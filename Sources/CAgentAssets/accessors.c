#include "agent_assets.h"

const unsigned char *mowai_default_agent(unsigned long *size) {
    *size = mowai_default_agent_wasm_size;
    return mowai_default_agent_wasm;
}

unsigned long mowai_builtin_persona_count(void) { return mowai_persona_count; }

const char *mowai_builtin_persona_name(unsigned long index) {
    return index < mowai_persona_count ? mowai_persona_names[index] : 0;
}

const unsigned char *mowai_builtin_persona_text(unsigned long index, unsigned long *size) {
    *size = index < mowai_persona_count ? mowai_persona_sizes[index] : 0;
    return index < mowai_persona_count ? mowai_persona_texts[index] : 0;
}

unsigned long mowai_builtin_mob_count(void) { return mowai_mob_count; }

const char *mowai_builtin_mob_name(unsigned long index) {
    return index < mowai_mob_count ? mowai_mob_names[index] : 0;
}

const unsigned char *mowai_builtin_mob_text(unsigned long index, unsigned long *size) {
    *size = index < mowai_mob_count ? mowai_mob_sizes[index] : 0;
    return index < mowai_mob_count ? mowai_mob_texts[index] : 0;
}

unsigned long mowai_template_file_count(void) { return mowai_template_count; }

const char *mowai_template_file_name(unsigned long index) {
    return index < mowai_template_count ? mowai_template_names[index] : 0;
}

const unsigned char *mowai_template_file_text(unsigned long index, unsigned long *size) {
    *size = index < mowai_template_count ? mowai_template_sizes[index] : 0;
    return index < mowai_template_count ? mowai_template_texts[index] : 0;
}
