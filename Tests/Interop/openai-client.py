#!/usr/bin/env python3
"""The official `openai` package (PyPI) against `mowai serve`, as an independent client.

Usage: openai-client.py BASE_URL API_KEY. Checks listing, streamed and whole chat and text completions,
usage, and the errors the SDK maps to its exception types; prints one line per check, exits 1 on the
first that fails.
"""
import sys

import openai

base_url, api_key = sys.argv[1], sys.argv[2]
client = openai.OpenAI(base_url=base_url, api_key=api_key, max_retries=0, timeout=60)


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        sys.exit(1)


models = client.models.list().data
check(len(models) == 1 and models[0].object == "model", "models.list: one model")
model = models[0].id
check(client.models.retrieve(model).id == model, "models.retrieve")

conversation = [{"role": "system", "content": "You are brief."}, {"role": "user", "content": "Name a colour."}]
stream = client.chat.completions.create(model=model, messages=conversation, max_tokens=12, temperature=0,
                                        stream=True, stream_options={"include_usage": True})
text, finish, usage, roles = "", None, None, []
for chunk in stream:
    for choice in chunk.choices:
        text += choice.delta.content or ""
        roles += [choice.delta.role] if choice.delta.role else []
        finish = choice.finish_reason or finish
    usage = chunk.usage or usage
check(len(text) > 0 and roles == ["assistant"], f"streamed chat: {text!r}")
check(finish in ("stop", "length"), f"finish_reason {finish}")
check(usage is not None and usage.prompt_tokens > 0 and 0 < usage.completion_tokens <= 12
      and usage.total_tokens == usage.prompt_tokens + usage.completion_tokens, f"usage {usage}")

whole = client.chat.completions.create(model=model, messages=conversation, max_tokens=12, temperature=0)
check(whole.choices[0].message.content == text and whole.choices[0].message.role == "assistant",
      "a whole answer equals the streamed one (greedy)")
check(whole.usage.completion_tokens == usage.completion_tokens, "same usage")

limited = client.chat.completions.create(model=model, messages=conversation, max_tokens=1, temperature=0)
check(limited.choices[0].finish_reason == "length" and limited.usage.completion_tokens == 1, "max_tokens 1 is length")

completion = client.completions.create(model=model, prompt="The capital of France is", max_tokens=8, temperature=0)
check(completion.object == "text_completion" and "Paris" in completion.choices[0].text,
      f"text completion: {completion.choices[0].text!r}")
pieces = [c.choices[0].text for c in client.completions.create(model=model, prompt="The capital of France is", max_tokens=8,
                                                                temperature=0, stream=True) if c.choices]
check("".join(pieces) == completion.choices[0].text, "streamed text completion equals the whole one")

stopped = client.completions.create(model=model, prompt="1, 2, 3, 4,", max_tokens=16, temperature=0, stop=[" 6"])
check(" 6" not in stopped.choices[0].text and stopped.choices[0].finish_reason == "stop", f"stop: {stopped.choices[0].text!r}")

seeded = [client.chat.completions.create(model=model, messages=conversation, max_tokens=10, temperature=1.0, seed=5)
          .choices[0].message.content for _ in range(2)]
check(seeded[0] == seeded[1], "the same seed gives the same answer")

try:
    client.chat.completions.create(model="gpt-4o", messages=conversation)
    check(False, "an unknown model is refused")
except openai.NotFoundError as error:
    check(error.status_code == 404 and error.code == "model_not_found", "unknown model: NotFoundError model_not_found")

try:
    client.chat.completions.create(model=model, messages=conversation, temperature=7)
    check(False, "temperature 7 is refused")
except openai.BadRequestError as error:
    check(error.param == "temperature" and error.type == "invalid_request_error", "temperature 7: BadRequestError")

try:
    openai.OpenAI(base_url=base_url, api_key="wrong-key", max_retries=0).models.list()
    check(False, "a wrong key is refused")
except openai.AuthenticationError as error:
    check(error.status_code == 401 and error.code == "invalid_api_key", "wrong key: AuthenticationError")

print("all checks passed")
