// mowai's default agent: thinks once about what matters most in a task, tells the arena, then
// answers with what the other agents have said in mind.
//
// Freestanding C for wasm32 (no libc), built by scripts/build-agents.sh into default.wasm and embedded
// in the mowai binary. The model behind host-llm is tiny (SmolLM2-135M-Instruct), so the prompts are
// short, plain instructions; the host puts the persona's system prompt in front of each one.
#include "abi.h"
#include "heap.h"
#include "text.h"

void *memcpy(void *destination, const void *source, size_t count);

// Long enough for a real task, short enough that the answer prompt (task, our thought, six peer
// thoughts) stays around a thousand tokens beside the persona's prompt.
#define TASK_BYTES 2000
#define THOUGHT_BYTES 300
#define PEER_ID_BYTES 32
#define PEER_THOUGHTS 6
#define PROMPT_BYTES 5000
#define LOG_BYTES 512

static const char version[] = "1.0.0";
static const char no_answer[] = "The model gave no answer, so I have nothing to add this time.";

// ---- What survives between calls ----

struct peer_thought {
    char peer[PEER_ID_BYTES];
    size_t peer_length;
    char thought[THOUGHT_BYTES];
    size_t thought_length;
};

// The last PEER_THOUGHTS thoughts of other agents, oldest first from `peer_next`. Not cleared when
// a task starts: calls come one at a time, so thoughts about the current task only arrive once we
// have answered it; the ones we hold are the freshest the swarm has said, and a new task is usually
// a follow-up to the last.
static struct peer_thought peer_thoughts[PEER_THOUGHTS];
static size_t peer_next;
static size_t peer_count;

static char task_buffer[TASK_BYTES];
static char thought_buffer[THOUGHT_BYTES];

// The results the host reads after handle-task and get-info return.
static struct text task_result;
static struct agent_info info_result;

// ---- Talking to the host ----

static void log_line(const char *level, struct builder message) {
    struct text text = builder_text(&message);
    host_log(level, text_from_literal(level).length, text.bytes, text.length);
}

static struct text ask_model(struct builder prompt) {
    struct text answer = {0, 0};
    host_llm(prompt.bytes, prompt.length, &answer);
    return answer;
}

static struct agent_config read_config(void) {
    struct agent_config config = {{0, 0}, {0, 0}, {0, 0}};
    host_get_config(&config);
    // The WIT promises these limits; holding the host to them keeps our logs bounded too.
    config.name.length = utf8_prefix_length(config.name, 64);
    config.color.length = utf8_prefix_length(config.color, 32);
    config.persona.length = utf8_prefix_length(config.persona, 64);
    return config;
}

// ---- Thinking ----

// Step 1: the single most important consideration, as one line for the arena.
static struct text consider(struct text task) {
    struct builder prompt = builder_make(PROMPT_BYTES);
    builder_append_literal(&prompt, "Task: ");
    builder_append(&prompt, task);
    builder_append_literal(&prompt, "\n\nIn one sentence, what is the most important thing to consider for this task?");
    struct text answer = first_sentence(trim(ask_model(prompt)), 20);
    size_t length = copy_line(thought_buffer, THOUGHT_BYTES, answer);
    return (struct text){thought_buffer, length};
}

static void append_peer_thoughts(struct builder *prompt) {
    if (peer_count == 0) return;
    builder_append_literal(prompt, "\n\nWhat others said so far:");
    for (size_t index = 0; index < peer_count; index++) {
        const struct peer_thought *peer =
            &peer_thoughts[(peer_next + PEER_THOUGHTS - peer_count + index) % PEER_THOUGHTS];
        builder_append_literal(prompt, "\n- ");
        builder_append(prompt, (struct text){peer->peer, peer->peer_length});
        builder_append_literal(prompt, ": ");
        builder_append(prompt, (struct text){peer->thought, peer->thought_length});
    }
}

// Step 2: the answer, informed by our own thought and the swarm's.
static struct text answer(struct text task, struct text thought) {
    struct builder prompt = builder_make(PROMPT_BYTES);
    builder_append_literal(&prompt, "Task: ");
    builder_append(&prompt, task);
    if (thought.length > 0) {
        builder_append_literal(&prompt, "\n\nYour first thought: ");
        builder_append(&prompt, thought);
    }
    append_peer_thoughts(&prompt);
    builder_append_literal(&prompt, "\n\nAnswer the task in at most 4 sentences.");
    return trim(ask_model(prompt));
}

// ---- Exports ----

MOWAI_EXPORT("on-init")
void on_init(void) {
    heap_reset();
    struct agent_config config = read_config();
    struct builder message = builder_make(LOG_BYTES);
    builder_append(&message, config.name);
    builder_append_literal(&message, " ready (persona ");
    builder_append(&message, config.persona);
    builder_append_literal(&message, ", default agent ");
    builder_append_literal(&message, version);
    builder_append_literal(&message, ")");
    log_line("info", message);
    heap_reset();
}

MOWAI_EXPORT("get-info")
struct agent_info *get_info(void) {
    heap_reset();
    // The strings stay on the heap until cabi_post_get-info or the next call.
    struct agent_config config = read_config();
    info_result = (struct agent_info){
        config.name, {version, sizeof version - 1}, config.color, config.persona};
    return &info_result;
}

MOWAI_EXPORT("cabi_post_get-info")
void post_get_info(struct agent_info *info) {
    (void)info;
    heap_reset();
}

MOWAI_EXPORT("on-peer-thought")
void on_peer_thought(const char *peer_id, size_t peer_id_length, const char *thought,
                     size_t thought_length) {
    if (trim((struct text){thought, thought_length}).length == 0) {
        heap_reset();
        return;
    }
    struct peer_thought *slot = &peer_thoughts[peer_next];
    slot->peer_length = copy_line(slot->peer, PEER_ID_BYTES, (struct text){peer_id, peer_id_length});
    slot->thought_length = copy_line(slot->thought, THOUGHT_BYTES, (struct text){thought, thought_length});
    // The arguments lived on the heap; from here on only the copies are used.
    heap_reset();
    peer_next = (peer_next + 1) % PEER_THOUGHTS;
    if (peer_count < PEER_THOUGHTS) peer_count++;

    struct builder message = builder_make(LOG_BYTES);
    builder_append_literal(&message, "heard ");
    builder_append(&message, (struct text){slot->peer, slot->peer_length});
    builder_append_literal(&message, ": ");
    builder_append(&message, (struct text){slot->thought, slot->thought_length});
    log_line("debug", message);
    heap_reset();
}

MOWAI_EXPORT("handle-task")
struct text *handle_task(const char *description, size_t description_length) {
    unsigned long long started = host_now_ms();
    struct text description_text = trim((struct text){description, description_length});
    size_t task_length = utf8_prefix_length(description_text, TASK_BYTES);
    memcpy(task_buffer, description_text.bytes, task_length);
    struct text task = {task_buffer, task_length};
    // The description lived on the heap; from here on only the copy is used.
    heap_reset();

    struct text thought = consider(task);
    if (thought.length > 0) host_broadcast(thought.bytes, thought.length);

    task_result = answer(task, thought);
    if (task_result.length == 0) task_result = (struct text){no_answer, sizeof no_answer - 1};

    struct builder message = builder_make(LOG_BYTES);
    builder_append_literal(&message, "answered in ");
    builder_append_unsigned(&message, host_now_ms() - started);
    builder_append_literal(&message, " ms with ");
    builder_append_unsigned(&message, peer_count);
    builder_append_literal(&message, peer_count == 1 ? " peer thought in mind" : " peer thoughts in mind");
    log_line("info", message);
    // The answer stays on the heap until cabi_post_handle-task or the next call.
    return &task_result;
}

MOWAI_EXPORT("cabi_post_handle-task")
void post_handle_task(struct text *result) {
    (void)result;
    heap_reset();
}
