// Sums and maxima over a whole workgroup, whatever the driver's subgroup size: subgroups reduce first,
// then one value per subgroup goes through shared memory. Every invocation must call them (barriers).
#extension GL_KHR_shader_subgroup_basic : enable
#extension GL_KHR_shader_subgroup_arithmetic : enable

shared float reducePartials[64];

float workgroupSum(float value) {
    value = subgroupAdd(value);
    if (gl_NumSubgroups == 1u) return value;
    barrier();
    if (subgroupElect()) reducePartials[gl_SubgroupID] = value;
    barrier();
    float total = 0.0;
    for (uint i = 0u; i < gl_NumSubgroups; i++) total += reducePartials[i];
    return total;
}

float workgroupMax(float value) {
    value = subgroupMax(value);
    if (gl_NumSubgroups == 1u) return value;
    barrier();
    if (subgroupElect()) reducePartials[gl_SubgroupID] = value;
    barrier();
    float most = reducePartials[0];
    for (uint i = 1u; i < gl_NumSubgroups; i++) most = max(most, reducePartials[i]);
    return most;
}
