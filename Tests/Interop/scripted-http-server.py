#!/usr/bin/env python3
"""A scripted HTTP server for the HTTP client's tests (standard library only).

Prints "listening on PORT" once it accepts connections. Paths:
  GET  /chunks?count=N&gap_ms=M   N lines "chunk i", each flushed, M ms apart (chunked encoding)
  GET  /status?code=C&retry_after=S   status C, with Retry-After: S when given, and a JSON body
  GET  /stall                      the head, one line, then silence for a minute
  GET  /drip?gap_ms=M              a line every M ms until the client hangs up
  GET  /silent                     accepts, reads the request, never answers
  POST /echo                       {"method", "headers", "body"} of the request, as JSON
  POST /v1/chat/completions        OpenAI's streamed chat format; the model name picks the script:
       echo       the last user message's words as deltas, then finish_reason "stop", usage, [DONE]
                  (with max_tokens 2: two words and "length"); a request with "Bearer wrong" gets 401
       fail-429   429 with Retry-After: 3 (fail-429-N: N) and an error body in OpenAI's shape
       fail-500   500 with an error body
       flaky-N    503 for the first N requests to it, then as echo
       cut        two deltas, then the body ends without finish_reason or [DONE]
       malformed  a delta, then an event whose data is not JSON
  POST /v1/completions             OpenAI's streamed text completions: the prompt's words as choices[0].text
  POST /v1/messages                Anthropic's streamed Messages format (message_start, content_block_delta,
                                   message_delta, message_stop, pings); models: echo (x-api-key "wrong"
                                   gets 401), overloaded (an error event after one delta), refuse
  POST /v1beta/models/M:streamGenerateContent?alt=sse
                                   Gemini's streamed format; models: echo (x-goog-api-key "wrong" gets
                                   400 API_KEY_INVALID, as Google answers), safety (text, then SAFETY)
Every request's path goes to stdout as "request PATH", and a client that hangs up mid-stream as
"gone PATH", so tests can see cancellation reach the server.
"""
import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


FAILURES = {}
COUNT_LOCK = threading.Lock()


def say(line):
    print(line, flush=True)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def query(self):
        return {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}

    def send_json(self, code, value, extra=()):
        body = json.dumps(value).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, text in extra:
            self.send_header(name, text)
        self.end_headers()
        self.wfile.write(body)

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def do_GET(self):
        path = urlparse(self.path).path
        say("request " + path)
        q = self.query()
        try:
            if path == "/chunks":
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for i in range(int(q.get("count", "3"))):
                    self.chunk(b"chunk %d\n" % i)
                    time.sleep(int(q.get("gap_ms", "0")) / 1000)
                self.wfile.write(b"0\r\n\r\n")
            elif path == "/status":
                extra = [("Retry-After", q["retry_after"])] if "retry_after" in q else []
                self.send_json(int(q.get("code", "200")), {"error": {"message": "scripted", "code": q.get("code")}}, extra)
            elif path == "/stall":
                self.send_response(200)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                self.chunk(b"first\n")
                time.sleep(60)
            elif path == "/drip":
                # Endless: one line every gap_ms until the client hangs up (then "gone /drip").
                self.send_response(200)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                while True:
                    self.chunk(b"tick\n")
                    time.sleep(int(q.get("gap_ms", "100")) / 1000)
            elif path == "/silent":
                time.sleep(60)
            else:
                self.send_json(404, {"error": "no such path"})
        except (BrokenPipeError, ConnectionResetError):
            say("gone " + path)

    def do_POST(self):
        path = urlparse(self.path).path
        say("request " + path)
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode("utf-8", "replace")
        if path == "/v1/chat/completions":
            self.chat(json.loads(body))
        elif path == "/v1/completions":
            self.completion(json.loads(body))
        elif path == "/v1/messages":
            self.anthropic(json.loads(body))
        elif path.startswith("/v1beta/models/") and path.endswith(":streamGenerateContent"):
            self.gemini(path[len("/v1beta/models/"):-len(":streamGenerateContent")], json.loads(body))
        elif path == "/echo":
            self.send_json(200, {"method": "POST", "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
        else:
            self.send_json(404, {"error": "no such path"})


    def event(self, value):
        self.chunk(b"data: " + (value if isinstance(value, bytes) else json.dumps(value).encode()) + b"\n\n")

    def delta(self, text):
        self.event({"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}]})

    def chat(self, request):
        model = request.get("model")
        if self.headers.get("Authorization") == "Bearer wrong":
            return self.send_json(401, {"error": {"message": "Incorrect API key provided", "type": "invalid_request_error"}})
        if model.startswith("fail-429"):
            wait = model[len("fail-429-"):] or "3"
            return self.send_json(429, {"error": {"message": "Rate limit reached", "type": "requests"}}, [("Retry-After", wait)])
        if model.startswith("flaky-"):
            with COUNT_LOCK:
                FAILURES[model] = FAILURES.get(model, 0) + 1
                failing = FAILURES[model] <= int(model[len("flaky-"):])
            if failing:
                return self.send_json(503, {"error": {"message": "Overloaded, try again", "type": "server_error"}})
            model = "echo"
        if model == "fail-500":
            return self.send_json(500, {"error": {"message": "The server had an error", "type": "server_error"}})
        if model not in ("echo", "cut", "malformed"):
            return self.send_json(404, {"error": {"message": "The model '%s' does not exist" % model, "type": "invalid_request_error"}})
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            words = [m["content"] for m in request["messages"] if m["role"] == "user"][-1].split(" ")
            if model == "cut":
                self.delta(words[0])
                self.delta(" " + words[1])
            elif model == "malformed":
                self.delta(words[0])
                self.event(b"{not json")
            else:
                limit = request.get("max_tokens", 1000)
                for i, word in enumerate(words[:limit]):
                    self.delta(word if i == 0 else " " + word)
                    time.sleep(0.02)
                reason = "length" if limit < len(words) else "stop"
                self.event({"choices": [{"index": 0, "delta": {}, "finish_reason": reason}]})
                self.event({"choices": [], "usage": {"prompt_tokens": 11, "completion_tokens": min(limit, len(words))}})
                self.event(b"[DONE]")
            self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            say("gone /v1/chat/completions")


    def completion(self, request):
        # OpenAI's text completions: the prompt's words back as choices[0].text, then [DONE].
        self.begin_stream()
        words = request["prompt"].split(" ")
        for i, word in enumerate(words):
            self.event({"object": "text_completion", "choices": [{"index": 0, "text": word if i == 0 else " " + word, "finish_reason": None}]})
        self.event({"choices": [{"index": 0, "text": "", "finish_reason": "stop"}], "usage": {"prompt_tokens": 3, "completion_tokens": len(words)}})
        self.event(b"[DONE]")
        self.wfile.write(b"0\r\n\r\n")

    def begin_stream(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def named(self, kind, value):
        self.chunk(b"event: " + kind.encode() + b"\ndata: " + json.dumps(value).encode() + b"\n\n")

    def anthropic(self, request):
        if self.headers.get("x-api-key") == "wrong":
            return self.send_json(401, {"type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key"}})
        # As Anthropic's API: the system prompt apart, only user and assistant turns in messages.
        if any(m["role"] not in ("user", "assistant") for m in request["messages"]) or not isinstance(request.get("system", ""), str):
            return self.send_json(400, {"type": "error", "error": {"type": "invalid_request_error", "message": "messages: unexpected role"}})
        model = request["model"]
        words = request["messages"][-1]["content"].split(" ")
        limit = request["max_tokens"]
        self.begin_stream()
        self.named("message_start", {"type": "message_start", "message": {"id": "m1", "role": "assistant", "usage": {"input_tokens": 9, "output_tokens": 1}}})
        self.named("content_block_start", {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}})
        self.chunk(b"event: ping\ndata: {\"type\": \"ping\"}\n\n")
        if model == "overloaded":
            self.named("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": words[0]}})
            self.named("error", {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})
        else:
            shown = words[:limit]
            for i, word in enumerate(shown):
                self.named("content_block_delta", {"type": "content_block_delta", "index": 0,
                                                   "delta": {"type": "text_delta", "text": word if i == 0 else " " + word}})
            reason = "refusal" if model == "refuse" else ("max_tokens" if limit < len(words) else "end_turn")
            self.named("content_block_stop", {"type": "content_block_stop", "index": 0})
            self.named("message_delta", {"type": "message_delta", "delta": {"stop_reason": reason}, "usage": {"output_tokens": len(shown)}})
            self.named("message_stop", {"type": "message_stop"})
        self.wfile.write(b"0\r\n\r\n")

    def gemini(self, model, request):
        if self.headers.get("x-goog-api-key") == "wrong":
            return self.send_json(400, {"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.", "status": "INVALID_ARGUMENT"}})
        # As Gemini's API: turns are "user" or "model", the system prompt is systemInstruction.
        if any(c.get("role") not in ("user", "model") for c in request["contents"]) or "parts" not in request.get("systemInstruction", {"parts": []}):
            return self.send_json(400, {"error": {"code": 400, "message": "Please use a valid role: user, model.", "status": "INVALID_ARGUMENT"}})
        words = request["contents"][-1]["parts"][0]["text"].split(" ")
        limit = request["generationConfig"]["maxOutputTokens"]
        self.begin_stream()
        shown = words[:limit]
        for i, word in enumerate(shown):
            last = i == len(shown) - 1
            candidate = {"content": {"role": "model", "parts": [{"text": word if i == 0 else " " + word}]}}
            if last:
                candidate["finishReason"] = "SAFETY" if model == "safety" else ("MAX_TOKENS" if limit < len(words) else "STOP")
            event = {"candidates": [candidate]}
            if last:
                event["usageMetadata"] = {"promptTokenCount": 7, "candidatesTokenCount": len(shown)}
            self.chunk(b"data: " + json.dumps(event).encode() + b"\r\n\r\n")
        self.wfile.write(b"0\r\n\r\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    say("listening on %d" % server.server_address[1])
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
