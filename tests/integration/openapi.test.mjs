// docs/openapi.yaml itself: a valid OpenAPI 3.1 document that documents every route roomsd registers. (Every
// response the other test files see is validated against it by the helpers.)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import { ajv, documentedOperations, expectSchema, expectValid, openapi } from './helpers/openapi.mjs';
import { buildCreateBody, REPO_ROOT } from './helpers/roomsd.mjs';

// Every router.add(http::verb::X, "/pattern", ...) in src/api, as [METHOD, "/openapi/{template}"].
function registeredRoutes() {
  const dir = path.join(REPO_ROOT, 'src/api');
  const out = [];
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.cpp'))) {
    const src = fs.readFileSync(path.join(dir, f), 'utf8');
    for (const m of src.matchAll(/router\.add\(\s*http::verb::(\w+?)_?,\s*"([^"]+)"/g)) {
      out.push([m[1].toUpperCase(), m[2].replace(/:(\w+)/g, '{$1}')]);
    }
  }
  return out;
}

describe('docs/openapi.yaml', () => {
  it('is OpenAPI 3.1 with bearer security and the error schema', () => {
    assert.match(openapi.openapi, /^3\.1\.\d+$/);
    assert.equal(openapi.components.securitySchemes.apiKey.type, 'http');
    assert.equal(openapi.components.securitySchemes.apiKey.scheme, 'bearer');
    assert.deepEqual(openapi.security, [{ apiKey: [] }]);
    expectSchema('ErrorResponse', { success: false, error: { code: 'room_not_found', message: 'no room x' } });
    assert.throws(() => expectSchema('ErrorResponse', { success: false, error: { code: 'x' } }));
    assert.throws(() => expectSchema('ErrorResponse', { success: true, error: { code: 'x', message: 'y' } }));
  });

  it('documents every route roomsd registers, and the events WebSocket', () => {
    const routes = registeredRoutes();
    assert.ok(routes.length >= 15, `found ${routes.length} routes in src/api`);
    const documented = new Set(documentedOperations().map(([m, t]) => `${m} ${t}`));
    for (const [m, t] of routes) assert.ok(documented.has(`${m} ${t}`), `${m} ${t} is not in docs/openapi.yaml`);
    assert.ok(documented.has('GET /events/{roomId}'));
    assert.ok(openapi.paths['/events/{roomId}'].get.responses['101']);
    // And nothing that does not exist.
    const registered = new Set([...routes.map(([m, t]) => `${m} ${t}`), 'GET /events/{roomId}']);
    for (const op of documented) assert.ok(registered.has(op), `${op} is documented but not registered`);
  });

  it('gives every operation an operationId, responses with schemas, and 401 where a key is needed', () => {
    const ids = new Set();
    for (const [m, t] of documentedOperations()) {
      const op = openapi.paths[t][m.toLowerCase()];
      assert.ok(op.operationId, `${m} ${t} has an operationId`);
      assert.ok(!ids.has(op.operationId), `operationId ${op.operationId} is unique`);
      ids.add(op.operationId);
      const needsKey = op.security === undefined ? true : op.security.length > 0;
      if (needsKey) assert.ok(op.responses['401'], `${m} ${t} documents 401`);
      if (t !== '/health') assert.ok(op.responses['429'], `${m} ${t} documents 429`);
      for (const [status, r] of Object.entries(op.responses)) {
        const resp = r.$ref ? openapi.components.responses[r.$ref.split('/').pop()] : r;
        assert.ok(resp, `${m} ${t} ${status} resolves`);
        // 101 (a WebSocket) and 204 (DELETE of a recording) have no body.
        if (status === '101' || status === '204') assert.ok(!resp.content, `${m} ${t} ${status} has no body`);
        else assert.ok(resp.content, `${m} ${t} ${status} has a body schema`);
      }
    }
  });

  it('compiles every schema in strict mode', () => {
    for (const name of Object.keys(openapi.components.schemas)) {
      assert.ok(ajv.getSchema(`https://rooms.invalid/openapi/components#/$defs/${name}`), name);
    }
  });

  it('describes the request bodies the main app sends', () => {
    const create = buildCreateBody('secret', { scheduledStartTime: new Date().toJSON() });
    expectSchema('CreateRoomRequest', create);
    assert.throws(() => expectSchema('CreateRoomRequest', { ...create, extra: 1 }));
    assert.throws(() => expectSchema('CreateRoomRequest', { ...create, roomId: 'room-1' }));
    // The spec's own examples (sections 4, 5, 9, 10, 12).
    expectSchema('EndRoomRequest', { reason: 'session_completed', requestedBy: 'system' });
    expectSchema('ConfigPatch', { aiOrb: { enabled: false }, features: { recording: true } });
    expectSchema('BulkStatusRequest', { roomIds: ['room1', 'room2', 'room3'] });
    expectSchema('PreWarmRequest', { scheduledStartTime: '2025-06-30T15:00:00Z' });
    expectSchema('PreWarmRequest', {});
    expectSchema('WebhookCreateRequest', {
      url: 'https://main-app.com/webhooks/room-events', events: ['room-ended', 'summary-ready', 'error'], secret: 'webhook-signing-secret',
    });
  });

  it('rejects answers that break the contract', () => {
    const status = {
      roomId: 'r', sessionId: 's', status: 'waiting',
      participants: {
        coach: { id: 'c', connected: false, joinedAt: null, leftAt: null, totalDuration: 0, removed: null },
        client: { id: 'k', connected: false, joinedAt: null, leftAt: null, totalDuration: 0, removed: null },
        aiOrb: { enabled: true, connected: false, joinedAt: null, leftAt: null, participationPercentage: 0 },
      },
      actualStartTime: null, currentDuration: 0, scheduledStartTime: '2030-01-01T00:00:00Z', endedAt: null,
      recording: false,
    };
    expectValid('GET', '/api/rooms/{roomId}/status', 200, status);
    assert.throws(() => expectValid('GET', '/api/rooms/{roomId}/status', 200, { ...status, extra: 1 }));
    assert.throws(() => expectValid('GET', '/api/rooms/{roomId}/status', 200, { ...status, status: 'ended' }));
    assert.throws(() => expectValid('GET', '/api/rooms/{roomId}/status', 200, { ...status, currentDuration: -1 }));
    assert.throws(() => expectValid('GET', '/api/rooms/{roomId}/status', 418, status));
    const { recording, ...withoutRecording } = status;
    assert.equal(recording, false);
    assert.throws(() => expectValid('GET', '/api/rooms/{roomId}/status', 200, withoutRecording), 'status says whether it records');
    // A seat blocked by a removal (issue 18) says since when and why.
    const blocked = { ...status.participants.client, removed: { at: '2030-01-01T00:00:00Z', reason: 'off topic' } };
    expectValid('GET', '/api/rooms/{roomId}/status', 200, { ...status, participants: { ...status.participants, client: blocked } });
    const { removed, ...unsaid } = status.participants.coach;
    assert.equal(removed, null);
    assert.throws(() => expectValid('GET', '/api/rooms/{roomId}/status', 200, { ...status, participants: { ...status.participants, coach: unsaid } }),
      'status says whether a seat is blocked');
    assert.throws(() => expectSchema('EventFrame', { id: 1, type: 'room-started', data: { roomId: 'r' } }));
    expectSchema('EventFrame', { id: 1, type: 'room-started', data: { roomId: 'r', timestamp: '2030-01-01T00:00:00Z' } });
  });

  it('describes recordings: the list, the file with Range, signed links, deletion, and their events', () => {
    const rec = {
      id: 'rec_0a1b2c', roomId: 'r', participantId: 'coach-1', role: 'coach', source: 'camera', kinds: ['audio', 'video'],
      codecs: ['VP8', 'opus'], format: 'webm', contentType: 'video/webm', status: 'ready', startedAt: '2030-01-01T00:00:00Z',
      endedAt: '2030-01-01T00:00:30.250Z', duration: 30.25, bytes: 123456, error: null,
      downloadPath: '/api/rooms/r/recordings/rec_0a1b2c',
    };
    const composite = { ...rec, id: 'rec_ffee', participantId: null, role: null, source: 'composite', status: 'processing',
      endedAt: null, duration: null, bytes: 0, downloadPath: '/api/rooms/r/recordings/rec_ffee' };
    expectValid('GET', '/api/rooms/{roomId}/recordings', 200, { roomId: 'r', recording: true, recordings: [rec, composite] });
    expectValid('GET', '/api/rooms/{roomId}/recordings', 200, { roomId: 'r', recording: false, recordings: [] });
    assert.throws(() => expectSchema('Recording', { ...rec, status: 'done' }));
    assert.throws(() => expectSchema('Recording', { ...composite, role: 'coach' }), 'a composite belongs to nobody');
    assert.throws(() => expectSchema('Recording', { ...rec, codecs: ['vp8'] }), 'codec names as negotiated');
    for (const status of [200, 206]) {
      for (const type of ['video/webm', 'audio/webm', 'video/x-matroska']) {
        expectValid('GET', '/api/rooms/{roomId}/recordings/{recordingId}', status, 'bytes', type);
      }
    }
    const op = openapi.paths['/api/rooms/{roomId}/recordings/{recordingId}'].get;
    assert.deepEqual(op.security, [{ apiKey: [] }, { signedLink: [] }], 'the key or a signed link');
    for (const s of ['403', '409', '410', '416']) assert.ok(op.responses[s], `download documents ${s}`);
    expectValid('DELETE', '/api/rooms/{roomId}/recordings/{recordingId}', 204, '');
    assert.throws(() => expectValid('DELETE', '/api/rooms/{roomId}/recordings/{recordingId}', 204, { success: true }));
    expectSchema('RecordingLinkRequest', {});
    expectSchema('RecordingLinkRequest', { expiresIn: 604800 });
    assert.throws(() => expectSchema('RecordingLinkRequest', { expiresIn: 59 }));
    expectValid('POST', '/api/rooms/{roomId}/recordings/{recordingId}/link', 200, {
      url: 'https://rooms.example.com/api/rooms/r/recordings/rec_0a1b2c?expires=1900000000&signature=0a1b', expiresAt: '2030-01-01T00:00:00Z',
    });
    expectSchema('EventFrame', { id: 7, type: 'recording-started', data: {
      roomId: 'r', recordingId: 'rec_0a1b2c', participantId: 'ai-orb', participantType: 'aiOrb', source: 'microphone',
      timestamp: '2030-01-01T00:00:00Z' } });
    expectSchema('EventFrame', { id: 8, type: 'recording-ready', data: {
      roomId: 'r', recordingId: 'rec_ffee', participantId: null, participantType: null, source: 'composite', duration: 61.5,
      bytes: 999, downloadPath: '/api/rooms/r/recordings/rec_ffee', timestamp: '2030-01-01T00:00:00Z' } });
    assert.throws(() => expectSchema('EventFrame', { id: 9, type: 'recording-ready', data: { roomId: 'r', recordingId: 'x' } }));
    expectSchema('WebhookCreateRequest', { url: 'https://main-app.com/hooks', events: ['recording-started', 'recording-ready'] });
  });
});
