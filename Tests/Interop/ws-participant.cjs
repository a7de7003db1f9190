// Talks to an arena the way the original's participants do: the `ws` library (what the original
// Arena and its tests use), permessage-deflate offered, seq starting at 1, ts from Date.now().
// Usage: NODE_PATH=/usr/share/nodejs node ws-participant.cjs ws://127.0.0.1:PORT
'use strict';
const WebSocket = require('ws');
const { randomUUID } = require('crypto');

const url = process.argv[2];
const deadline = setTimeout(() => fail('timed out after 10 s'), 10000);

function fail(why) {
  console.error('FAIL: ' + why);
  process.exit(1);
}

function participant(name) {
  const agentId = randomUUID();
  const ws = new WebSocket(url);
  const inbox = [];
  const waiting = [];
  let seq = 0;
  const send = (type, payload) => {
    seq += 1;
    ws.send(JSON.stringify({ type, agentId, slot: 0, seq, ts: Date.now(), payload }));
  };
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString());
    const index = waiting.findIndex((w) => w.type === message.type);
    if (index >= 0) waiting.splice(index, 1)[0].resolve(message);
    else inbox.push(message);
  });
  const next = (type) => new Promise((resolve) => {
    const index = inbox.findIndex((m) => m.type === type);
    if (index >= 0) resolve(inbox.splice(index, 1)[0]);
    else waiting.push({ type, resolve });
  });
  const closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const opened = new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject); });
  return { name, agentId, ws, send, next, closed, opened };
}

async function main() {
  const alice = participant('alice');
  const bob = participant('bob');
  await Promise.all([alice.opened, bob.opened]);
  for (const p of [alice, bob]) {
    p.send('AGENT_CONNECT', { name: p.name, color: '#a855f7', persona: 'contrarian', version: '0.1.0' });
    const ack = await p.next('ARENA_ACK');
    if (typeof ack.payload.slot !== 'number' || ack.payload.arenaVersion !== '0.1.0') fail('bad ARENA_ACK ' + JSON.stringify(ack));
  }
  console.log('ok connect');

  const taskId = randomUUID();
  alice.send('AGENT_THOUGHT', { taskId, step: 1, content: 'deep thought ✨' });
  const echo = await alice.next('AGENT_THOUGHT');
  const relayed = await bob.next('AGENT_THOUGHT');
  const peer = await bob.next('PEER_THOUGHT');
  if (echo.payload.content !== 'deep thought ✨' || relayed.agentId !== alice.agentId) fail('bad AGENT_THOUGHT');
  if (peer.payload.sourceAgentId !== alice.agentId || peer.payload.step !== 1) fail('bad PEER_THOUGHT ' + JSON.stringify(peer));
  console.log('ok thought');

  bob.send('AGENT_RESPONSE', { taskId, content: 'an answer', durationMs: 1234 });
  if ((await alice.next('AGENT_RESPONSE')).payload.durationMs !== 1234) fail('bad AGENT_RESPONSE');
  console.log('ok response');

  alice.ws.send(JSON.stringify({ type: 'PING', ts: Date.now() }));
  await alice.next('PONG');
  console.log('ok ping');

  bob.ws.send('x'.repeat(8193));
  const bobClosed = await bob.closed;
  if (bobClosed.code !== 1009) fail('oversized frame closed with ' + bobClosed.code);
  const gone = await alice.next('AGENT_DISCONNECT');
  if (gone.agentId !== bob.agentId || gone.payload.name !== 'bob') fail('bad AGENT_DISCONNECT');
  console.log('ok limits');

  alice.ws.close(1000);
  await alice.closed;
  clearTimeout(deadline);
  console.log('ok all');
}

main().catch((error) => fail(error.stack || String(error)));
