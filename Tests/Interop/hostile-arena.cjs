// A scripted hostile arena for end-to-end tests. DESIGN §9 says every frame from an arena is hostile
// until decoded; this plays an arena that means it, so a test can point `mowai agent run` or
// `mowai tui` at it and check that the client neither crashes nor prints raw control text, and that it
// still does useful work afterwards.
//
// A test starts it, reads `listening on <port>` from stdout, points the client at ws://127.0.0.1:<port>,
// then waits for `phase good <n>` and `answered <taskId>` (or `thought <taskId>`): the client survived
// the hostile frames and the close, reconnected, and answered a proper task. Every stdout line:
//   listening on <port>                   once, first, when ready
//   connected <n> <type>                  connection n sent its first message (type `?` if not a plain token)
//   hostile <n> done <frames>             every hostile frame was handed to connection n
//   hostile <n> cut <frames> <scenario>   connection n went away before the hostile frames ran out
//   closed <n> <code>                     connection n is gone (code as the socket reports it)
//   phase good <n>                        connection n now gets a proper ARENA_ACK and GLOBAL_TASK
//   thought <taskId>                      an AGENT_THOUGHT for a good-phase task arrived
//   answered <taskId>                     an AGENT_RESPONSE for a good-phase task arrived
// Usage: node hostile-arena.cjs [--port N] [--flood N] [--good-task TEXT] [--scenario all|order,numbers,...]
// SIGTERM or SIGINT ends it with status 0.
'use strict';

const http = require('http');
const crypto = require('crypto');
const WebSocket = loadWs();

function loadWs() {
  try {
    return require('ws');
  } catch (error) {
    // Debian's node-ws lives outside Node's default search path; callers need not set NODE_PATH.
    return require('/usr/share/nodejs/ws');
  }
}

// `order` must come first (a PEER_THOUGHT before any ACK only means something then) and `close` last.
// `flood` runs before `binary`: a client that follows RFC 6455 fails the connection (1007) on the
// invalid UTF-8 text frame, and the flood should still have been exercised by then.
const SCENARIOS = ['order', 'numbers', 'types', 'missing', 'long', 'escapes', 'unknown', 'flood', 'binary', 'close'];
const SERVER_ID = '00000000-0000-4000-8000-000000000000';
const ARENA_VERSION = '0.1.0';
const GOOD_TASK = 'Say hello in one short sentence.';
const CLOSE_REASON = '\u001b]0;pwned\u0007bye';
const FLOOD_TASK_ID = 'f100d000-0000-4000-8000-000000000000';
const DRAIN_BELOW = 1024 * 1024;
const DRAIN = Symbol('drain');

function usage(problem) {
  const text = 'usage: node hostile-arena.cjs [--port N] [--flood N] [--good-task TEXT] [--scenario all|' + SCENARIOS.join('|') + '[,...]]\n';
  if (problem) {
    process.stderr.write(problem + '\n' + text);
    process.exit(2);
  }
  process.stdout.write(text);
  process.exit(0);
}

function parseArguments(argv) {
  const options = { port: 0, flood: 10000, scenarios: SCENARIOS, goodTask: GOOD_TASK };
  const integer = (text, max, name) => {
    if (!/^\d+$/.test(String(text)) || Number(text) > max) usage(`${name} wants an integer from 0 to ${max}`);
    return Number(text);
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const equals = arg.indexOf('=');
    const name = equals > 0 ? arg.slice(0, equals) : arg;
    const value = () => (equals > 0 ? arg.slice(equals + 1) : argv[(i += 1)]);
    if (name === '--port') options.port = integer(value(), 65535, '--port');
    else if (name === '--flood') options.flood = integer(value(), 100000000, '--flood');
    // The good phase's task text: tests put escape sequences in it, a valid task that must be shown inert.
    else if (name === '--good-task') options.goodTask = String(value()).slice(0, 512);
    else if (name === '--scenario' || name === '--scenarios') {
      const wanted = String(value()).split(',').filter((s) => s.length > 0);
      for (const s of wanted) if (s !== 'all' && !SCENARIOS.includes(s)) usage(`unknown scenario ${s}`);
      options.scenarios = wanted.includes('all') ? SCENARIOS : SCENARIOS.filter((s) => wanted.includes(s));
    } else if (name === '-h' || name === '--help') usage();
    else usage(`unknown argument ${arg}`);
  }
  return options;
}

const options = parseArguments(process.argv.slice(2));

function say(line) {
  process.stdout.write(line + '\n');
}

// A test harness that goes away closes our stdout; there is nobody left to report to.
process.stdout.on('error', () => process.exit(0));

const uuid = () => crypto.randomUUID();
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const kindOf = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

// Messages as a well-behaved arena builds them; every call is fresh (new ids, new ts) so a frame that
// breaks one field is otherwise valid and gets as far into the client as it can.
const TEMPLATES = {
  ack: () => envelope('ARENA_ACK', { slot: 0, connectedPeers: 1, arenaVersion: ARENA_VERSION }),
  task: () => envelope('GLOBAL_TASK', { taskId: uuid(), description: 'Name one prime number.', issuedAt: Date.now() }),
  peerThought: () => envelope('PEER_THOUGHT', { sourceAgentId: uuid(), taskId: uuid(), step: 1, content: 'a peer thinks' }),
  agentThought: () => relayed('AGENT_THOUGHT', { taskId: uuid(), step: 1, content: 'an agent thinks' }),
  agentResponse: () => relayed('AGENT_RESPONSE', { taskId: uuid(), content: 'an agent answers', durationMs: 1200 }),
  disconnect: () => envelope('AGENT_DISCONNECT', { name: 'ada', slot: 1, reason: 'Idle timeout' }, uuid()),
  error: (ctx) => envelope('ARENA_ERROR', { reason: 'Malformed JSON', targetAgentId: ctx.clientId || uuid() }),
  bareError: () => ({ type: 'ARENA_ERROR', payload: { reason: 'Malformed JSON' } }),
  ping: () => ({ type: 'PING', ts: Date.now() }),
  pong: () => ({ type: 'PONG', ts: Date.now() }),
  snapshot: () => envelope('ARENA_SNAPSHOT', {
    arenaVersion: ARENA_VERSION,
    agents: [rosterEntry()],
    tasks: [{ taskId: uuid(), description: 'Name one prime number.', issuedAt: Date.now() }],
    history: [TEMPLATES.agentThought(), TEMPLATES.agentResponse()],
    spectators: 1,
    admin: false,
  }),
  join: () => {
    const entry = rosterEntry();
    return envelope('AGENT_JOIN', entry, entry.agentId);
  },
  cleared: () => envelope('TASKS_CLEARED', { cleared: 1 }),
  adminResult: () => envelope('ADMIN_RESULT', { action: 'task', ok: false, error: 'description is required' }),
};

function envelope(type, payload, agentId = SERVER_ID) {
  return { type, agentId, slot: 0, seq: 0, ts: Date.now(), payload };
}

function relayed(type, payload) {
  return { type, agentId: uuid(), slot: 0, seq: 1, ts: Date.now(), payload };
}

function rosterEntry() {
  return { agentId: uuid(), slot: 1, name: 'ada', color: '#e8a838', persona: 'pragmatist', version: ARENA_VERSION, connectedAt: Date.now() };
}

// Every node under the root, parents before children; array indices stay numbers.
function paths(value, prefix = []) {
  const out = [];
  if (value === null || typeof value !== 'object') return out;
  for (const key of Object.keys(value)) {
    const path = [...prefix, Array.isArray(value) ? Number(key) : key];
    out.push(path, ...paths(value[key], path));
  }
  return out;
}

const at = (root, path) => path.reduce((node, key) => node[key], root);
const put = (root, path, value) => { at(root, path.slice(0, -1))[path[path.length - 1]] = value; };
const drop = (root, path) => { delete at(root, path.slice(0, -1))[path[path.length - 1]]; };

// Some hostile numbers cannot be written by JSON.stringify at all (NaN, 1e999, 2^53+1 exactly, -0):
// the field gets a marker string and the marker's JSON text is swapped for the raw text.
const MARKER = '\u0000hostile-raw\u0000';
const MARKER_JSON = JSON.stringify(MARKER);
function withRaw(message, path, rawText) {
  put(message, path, MARKER);
  return JSON.stringify(message).replace(MARKER_JSON, () => rawText);
}

// Each template's paths, worked out once from a sample; fresh copies have the same shape.
function* fields(ctx, keep) {
  for (const make of Object.values(TEMPLATES)) {
    const sample = make(ctx);
    for (const path of paths(sample)) if (keep(at(sample, path), path)) yield { make, path };
  }
}

const NUMBER_TEXTS = ['1e300', '-1e300', '-1', '1.5', '9007199254740993', '18446744073709551616', '-0',
  '1e999', 'NaN', 'Infinity', '-Infinity'];

const WRONG_TYPES = [() => '12', () => 12, () => null, () => true, () => ({}), () => []];

const LONG = 'W'.repeat(8192);

const ESCAPES = ['\u001b]0;pwned\u0007', '\u001b[2J\u001b[H', '\u009b31m', '\u202eevil\u202c', '\u2066iso\u2069',
  'line1\r\nFORGED LOG LINE', '\u0000nul', '\u007fdel', '\u0007bell', 'lone \ud800 surrogate'];

const SCENARIO_FRAMES = {
  *order(ctx) {
    yield JSON.stringify(TEMPLATES.peerThought(ctx));
    yield JSON.stringify(TEMPLATES.ack(ctx));
    yield JSON.stringify(envelope('ARENA_ACK', { slot: 1, connectedPeers: 2, arenaVersion: ARENA_VERSION }));
    const notUuid = TEMPLATES.task(ctx);
    notUuid.payload.taskId = 'task-1';
    yield JSON.stringify(notUuid);
    const twice = JSON.stringify(TEMPLATES.task(ctx));
    yield twice;
    yield twice;
    yield JSON.stringify(TEMPLATES.agentResponse(ctx));
    yield JSON.stringify(TEMPLATES.disconnect(ctx));
    const echo = TEMPLATES.peerThought(ctx);
    echo.payload.sourceAgentId = ctx.clientId || uuid();
    yield JSON.stringify(echo);
    const forged = TEMPLATES.agentThought(ctx);
    forged.agentId = ctx.clientId || uuid();
    yield JSON.stringify(forged);
  },

  *numbers(ctx) {
    // This very frame trapped the client (Int(1e300)); it goes first so a regression fails fast.
    yield withRaw(TEMPLATES.ack(ctx), ['payload', 'slot'], '1e300');
    for (const { make, path } of fields(ctx, (value) => typeof value === 'number')) {
      for (const text of NUMBER_TEXTS) yield withRaw(make(ctx), path, text);
    }
  },

  *types(ctx) {
    for (const { make, path } of fields(ctx, () => true)) {
      const sample = at(make(ctx), path);
      for (const wrong of WRONG_TYPES) {
        if (kindOf(wrong()) === kindOf(sample)) continue;
        const message = make(ctx);
        put(message, path, wrong());
        yield JSON.stringify(message);
      }
    }
  },

  *missing(ctx) {
    // Removing an array element leaves a shorter valid array, not a missing field.
    for (const { make, path } of fields(ctx, (value, p) => typeof p[p.length - 1] === 'string')) {
      const message = make(ctx);
      drop(message, path);
      yield JSON.stringify(message);
    }
  },

  *long(ctx) {
    for (const { make, path } of fields(ctx, (value) => typeof value === 'string')) {
      const message = make(ctx);
      put(message, path, LONG);
      yield JSON.stringify(message);
    }
  },

  *escapes(ctx) {
    for (const { make, path } of fields(ctx, (value) => typeof value === 'string')) {
      for (const text of ESCAPES) {
        const message = make(ctx);
        put(message, path, text);
        yield JSON.stringify(message);
      }
    }
    // Strictly invalid JSON (raw control bytes inside a string), which lenient decoders accept.
    const raw = '\u001b]0;pwned\u0007raw \u001b[31mred\u001b[0m';
    yield withRaw(TEMPLATES.task(ctx), ['payload', 'description'], '"' + raw + '"');
    yield withRaw(TEMPLATES.error(ctx), ['payload', 'reason'], '"' + raw + '"');
  },

  *unknown(ctx) {
    for (const type of ['FOO', '', '__proto__', 'constructor', 'toString', 123, null]) {
      yield JSON.stringify({ ...TEMPLATES.task(ctx), type });
    }
    const untyped = TEMPLATES.task(ctx);
    delete untyped.type;
    yield JSON.stringify(untyped);
    yield '{"__proto__":{"type":"GLOBAL_TASK"},"payload":{}}';
    yield `{"type":"GLOBAL_TASK","type":"FOO","agentId":"${SERVER_ID}","slot":0,"seq":0,"ts":${Date.now()},"payload":{"taskId":"${uuid()}","description":"duplicate keys","issuedAt":${Date.now()}}}`;
    yield JSON.stringify(TEMPLATES.ping(ctx)) + ' trailing';
    for (const text of ['[]', 'null', '"str"', '42', 'not json', '']) yield text;
    yield '['.repeat(100000);
    // Balanced, so valid JSON: a recursive decoder can still run out of stack on it.
    yield '['.repeat(100000) + ']'.repeat(100000);
  },

  *flood(ctx, count) {
    for (let i = 0; i < count; i += 1) {
      switch (i % 4) {
        case 0:
          yield JSON.stringify(envelope('PEER_THOUGHT', {
            sourceAgentId: uuid(), taskId: FLOOD_TASK_ID, step: Math.floor(i / 4) + 1, content: `flood thought ${i}`,
          }));
          break;
        case 1:
          yield `{"type":"PEER_THOUGHT","payload":{"content":"flood ${i}"`;
          break;
        case 2:
          yield JSON.stringify(envelope('GLOBAL_TASK', { taskId: uuid(), description: `flood task ${i}`, issuedAt: Date.now() }));
          break;
        default:
          yield JSON.stringify(envelope('FLOOD_UNKNOWN', { n: i }));
      }
      if (i % 128 === 127) yield DRAIN;
    }
  },

  *binary(ctx) {
    yield { data: Buffer.from(JSON.stringify(TEMPLATES.task(ctx))), binary: true };
    for (const size of [1, 257, 65536]) yield { data: crypto.randomBytes(size), binary: true };
    // Last, because a conforming client fails the whole connection on it.
    const task = TEMPLATES.task(ctx);
    task.payload.description = MARKER;
    const [before, after] = JSON.stringify(task).split(MARKER_JSON);
    yield {
      data: Buffer.concat([Buffer.from(before + '"bad '), Buffer.from([0xff, 0xfe]), Buffer.from(' utf8"' + after)]),
      binary: false,
    };
  },
};

// The server's state: who has had the hostile phase (an agent keeps its agentId across reconnects),
// whether the one hostile close has happened, the tasks of the good phase, and who may see relays.
const hostileHad = new Set();
let closeDone = false;
const goodTasks = new Set();
const goodConnections = new Set();
let connections = 0;

function send(conn, data, binary = false) {
  if (conn.ws.readyState !== WebSocket.OPEN) return false;
  conn.ws.send(data, { binary });
  return true;
}

// Waits for the socket to take the queued bytes, so a slow reader never makes this process grow;
// also lets incoming frames (PINGs) through while a long scenario runs.
function drained(ws) {
  return new Promise((resolve) => {
    const check = () => {
      if (ws.readyState !== WebSocket.OPEN || ws.bufferedAmount < DRAIN_BELOW) resolve();
      else setTimeout(check, 5);
    };
    setImmediate(check);
  });
}

async function hostilePhase(conn) {
  let sent = 0;
  for (const scenario of options.scenarios) {
    if (scenario === 'close') continue;
    for (const frame of SCENARIO_FRAMES[scenario](conn.ctx, options.flood)) {
      if (conn.ws.readyState !== WebSocket.OPEN) {
        say(`hostile ${conn.n} cut ${sent} ${scenario}`);
        return;
      }
      if (frame === DRAIN) {
        await drained(conn.ws);
        continue;
      }
      if (typeof frame === 'string') send(conn, frame);
      else send(conn, frame.data, frame.binary);
      sent += 1;
    }
  }
  if (conn.ws.readyState !== WebSocket.OPEN) {
    say(`hostile ${conn.n} cut ${sent} end`);
    return;
  }
  say(`hostile ${conn.n} done ${sent}`);
  if (options.scenarios.includes('close') && !closeDone) {
    closeDone = true;
    conn.ws.close(4000, CLOSE_REASON);
    return;
  }
  goodPhase(conn);
}

function goodPhase(conn) {
  say(`phase good ${conn.n}`);
  goodConnections.add(conn);
  if (conn.kind === 'agent') {
    send(conn, JSON.stringify(envelope('ARENA_ACK', { slot: 0, connectedPeers: 1, arenaVersion: ARENA_VERSION })));
  } else if (conn.kind === 'spectator') {
    send(conn, JSON.stringify(envelope('ARENA_SNAPSHOT', {
      arenaVersion: ARENA_VERSION, agents: [], tasks: [], history: [], spectators: 1, admin: false,
    })));
  }
  const taskId = uuid();
  goodTasks.add(taskId);
  send(conn, JSON.stringify(envelope('GLOBAL_TASK', { taskId, description: options.goodTask, issuedAt: Date.now() })));
}

function introduce(conn, message) {
  const type = isObject(message) ? message.type : undefined;
  say(`connected ${conn.n} ${typeof type === 'string' && /^[A-Za-z0-9_]{1,64}$/.test(type) ? type : '?'}`);
  if (type === 'AGENT_CONNECT') {
    conn.kind = 'agent';
    if (typeof message.agentId === 'string') conn.ctx.clientId = message.agentId;
  } else if (type === 'SPECTATE') {
    conn.kind = 'spectator';
  }
  const key = conn.kind === 'agent' && conn.ctx.clientId !== undefined ? 'agent ' + conn.ctx.clientId : 'other';
  if (hostileHad.has(key)) {
    goodPhase(conn);
    return;
  }
  hostileHad.add(key);
  hostilePhase(conn).catch((error) => process.stderr.write(`hostile phase of ${conn.n} failed: ${error && error.stack}\n`));
}

// What a well-behaved arena does with an agent's words: thoughts to everyone (and a PEER_THOUGHT to
// the other agents), responses to everyone; only to connections already in the good phase.
function relay(conn, message) {
  if (conn.kind !== 'agent' || !isObject(message)) return;
  if (message.type !== 'AGENT_THOUGHT' && message.type !== 'AGENT_RESPONSE') return;
  const text = JSON.stringify(message);
  const payload = isObject(message.payload) ? message.payload : {};
  for (const other of goodConnections) {
    send(other, text);
    if (message.type === 'AGENT_THOUGHT' && other !== conn && other.kind === 'agent') {
      send(other, JSON.stringify(envelope('PEER_THOUGHT', {
        sourceAgentId: message.agentId, taskId: payload.taskId, step: payload.step, content: payload.content,
      })));
    }
  }
}

function received(conn, data) {
  let text;
  if (typeof data === 'string') text = data;
  else if (Array.isArray(data)) text = Buffer.concat(data).toString('utf8');
  else text = Buffer.from(data).toString('utf8');
  let message;
  try {
    message = JSON.parse(text);
  } catch (error) {
    message = undefined;
  }
  if (isObject(message) && message.type === 'PING') send(conn, JSON.stringify({ type: 'PONG', ts: Date.now() }));
  if (conn.phase === 'waiting') {
    conn.phase = 'introduced';
    introduce(conn, message);
    return;
  }
  if (isObject(message) && isObject(message.payload) && goodTasks.has(message.payload.taskId)) {
    if (message.type === 'AGENT_THOUGHT') say(`thought ${message.payload.taskId}`);
    else if (message.type === 'AGENT_RESPONSE') say(`answered ${message.payload.taskId}`);
  }
  if (goodConnections.has(conn)) relay(conn, message);
}

function answerHttp(request, response) {
  const reply = (status, body) => {
    const text = JSON.stringify(body);
    response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    response.end(text);
  };
  const path = String(request.url || '/').split('?')[0];
  request.on('error', () => {});
  request.resume();
  request.on('end', () => {
    if (request.method === 'GET' && path === '/health') reply(200, { status: 'ok', agents: 0, uptime: 1 });
    else if (request.method === 'GET' && path === '/agents') reply(200, []);
    else if (request.method === 'POST' && path === '/task') reply(200, { taskId: uuid() });
    else reply(404, { error: 'Not found' });
  });
}

const server = http.createServer(answerHttp);
server.on('clientError', (error, socket) => socket.destroy());
const wss = new WebSocket.Server({ server });
wss.on('error', () => {});
wss.on('wsClientError', (error, socket) => socket.destroy());
wss.on('connection', (ws) => {
  connections += 1;
  const conn = { n: connections, ws, kind: 'other', phase: 'waiting', ctx: { clientId: undefined } };
  ws.on('error', () => {});
  ws.on('message', (data) => {
    try {
      received(conn, data);
    } catch (error) {
      process.stderr.write(`handling a frame of ${conn.n} failed: ${error && error.stack}\n`);
    }
  });
  ws.on('close', (code) => {
    goodConnections.delete(conn);
    say(`closed ${conn.n} ${code}`);
  });
});

server.on('error', (error) => {
  process.stderr.write(`hostile-arena: ${error.message}\n`);
  process.exit(1);
});
server.listen(options.port, '127.0.0.1', () => say(`listening on ${server.address().port}`));

function shutdown() {
  for (const ws of wss.clients) ws.terminate();
  wss.close();
  server.close();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
