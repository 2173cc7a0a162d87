// HTTPS and WSS with ROOMS_TLS_CERT/ROOMS_TLS_KEY (a self-signed certificate made here with openssl), plain
// HTTP still answered on the same port.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';

import { validateResponse } from './helpers/openapi.mjs';
import { EventStream, HOST, startRoomsd, withTimeout } from './helpers/roomsd.mjs';

const T = { timeout: 30000 };
let server;
let dir;
let ca;

function httpsRequest({ port, method = 'GET', path: p, headers = {}, body, timeoutMs = 10000 }) {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: HOST, port, method, path: p, headers, ca, agent: false, timeout: timeoutMs });
    req.on('timeout', () => req.destroy(new Error(`timed out: ${method} ${p}`)));
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const json = (res.headers['content-type'] ?? '').includes('json') && text ? JSON.parse(text) : undefined;
        resolve({ status: res.statusCode, headers: res.headers, text, json, tls: res.socket.getProtocol?.() });
      });
    });
    req.end(body);
  });
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roomsd-tls-'));
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ], { stdio: 'pipe', timeout: 20000 });
  ca = fs.readFileSync(path.join(dir, 'cert.pem'));
  server = await startRoomsd({
    env: { ROOMS_TLS_CERT: path.join(dir, 'cert.pem'), ROOMS_TLS_KEY: path.join(dir, 'key.pem') },
  });
});

after(async () => {
  await server?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('TLS', () => {
  it('serves the API over HTTPS (TLS 1.2+) and plain HTTP on the same port', T, async () => {
    const health = await httpsRequest({ port: server.port, path: '/health' });
    assert.equal(health.status, 200);
    validateResponse('GET', '/health', health);
    assert.match(health.tls, /^TLSv1\.[23]$/);

    const body = JSON.stringify((await import('./helpers/roomsd.mjs')).buildCreateBody(server.jwtSecret));
    const created = await httpsRequest({
      port: server.port, method: 'POST', path: '/api/rooms/create', body,
      headers: { Authorization: `Bearer ${server.apiKey}`, 'Content-Type': 'application/json' },
    });
    assert.equal(created.status, 201, created.text);
    validateResponse('POST', '/api/rooms/create', created);
    // With TLS the default public URL is https://, the events URL wss://.
    assert.match(created.json.connectionUrls.coach, new RegExp(`^https://localhost:${server.port}/room/`));
    assert.equal(created.json.connectionUrls.websocket, `wss://localhost:${server.port}/events/${created.json.roomId}`);

    const plain = await server.api('GET', `/api/rooms/${created.json.roomId}/status`);
    assert.equal(plain.status, 200);
  });

  it('streams events over WSS', T, async () => {
    const { roomId } = await server.createRoom({ aiOrb: { enabled: false } });
    // The certificate names IP:127.0.0.1 too, so it is verified against the address.
    const ws = new WebSocket(`wss://${HOST}:${server.port}/events/${roomId}?token=${server.apiKey}`, {
      ca, handshakeTimeout: 5000,
    });
    const stream = new EventStream(ws);
    await withTimeout(new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    }), 6000, 'the wss handshake');
    try {
      await server.presence(roomId, 'coach', 'connect', 'c1');
      await stream.waitForType('participant-joined');
      assert.deepEqual(stream.frames.map((f) => f.type), ['room-started', 'participant-joined']);
    } finally {
      await stream.close();
    }
  });
});
