// The step's batch, written by the host before each submit: per row its token, position and sequence,
// then the rows whose logits are wanted. `capacity` words each.
layout(binding = BATCH_BINDING) readonly buffer Batch { uint batch[]; };
layout(constant_id = 7) const uint BATCH_CAPACITY = 64;

uint batchToken(uint row) { return batch[row]; }
uint batchPosition(uint row) { return batch[BATCH_CAPACITY + row]; }
uint batchSequence(uint row) { return batch[2u * BATCH_CAPACITY + row]; }
uint batchLogitSource(uint index) { return batch[3u * BATCH_CAPACITY + index]; }
