// Start-up configuration: required secrets, development mode, invalid settings, public URL, JSON logs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import { runToExit, startRoomsd } from './helpers/roomsd.mjs';

const T = { timeout: 30000 };

const SECRETS = { ROOM_SERVICE_API_KEY: 'k', JWT_SIGNING_SECRET: 'j', ROOM_WEBHOOK_SECRET: 'w' };

describe('configuration', () => {
  it('refuses to start without its secrets, naming each missing one', T, async () => {
    const { code, output } = await runToExit([]);
    assert.equal(code, 1, output);
    for (const name of ['ROOM_SERVICE_API_KEY', 'JWT_SIGNING_SECRET', 'ROOM_WEBHOOK_SECRET']) assert.match(output, new RegExp(name));
    assert.match(output, /--dev/);
    const one = await runToExit([], { ROOM_SERVICE_API_KEY: 'k', JWT_SIGNING_SECRET: 'j' });
    assert.equal(one.code, 1);
    assert.match(one.output, /ROOM_WEBHOOK_SECRET/);
    assert.doesNotMatch(one.output, /missing.*ROOM_SERVICE_API_KEY/);
  });

  it('refuses invalid settings with a readable message', T, async () => {
    const cases = [
      [['--db-synchronous', 'OFF'], {}],
      [['--port', '0'], {}],
      [['--webhook-backoff-base-ms', '1'], {}],
      [['--max-body-bytes', '10'], {}],
      [[], { ROOMS_PUBLIC_URL: 'ftp://rooms.example.com' }],
      [[], { ROOMS_TLS_CERT: '/nonexistent/cert.pem' }],
      [[], { ROOMS_LOG_LEVEL: 'chatty' }],
      [['--no-such-flag'], {}],
    ];
    for (const [args, env] of cases) {
      const { code, output } = await runToExit(args, { ...SECRETS, ...env });
      assert.notEqual(code, 0, `${args.join(' ')} ${JSON.stringify(env)} started: ${output}`);
      assert.ok(output.trim().length > 0, 'it says why');
      assert.doesNotMatch(output, /listening on/);
    }
    const v = await runToExit(['--version'], SECRETS);
    assert.equal(v.code, 0);
    assert.match(v.output, /1\.0\.0/);
  });

  it('development mode generates secrets once, keeps them in the data dir and reuses them', T, async () => {
    const server = await startRoomsd({
      args: ['--dev'], env: { ROOM_SERVICE_API_KEY: '', JWT_SIGNING_SECRET: '', ROOM_WEBHOOK_SECRET: '' },
    });
    try {
      const file = path.join(server.dataDir, 'dev-secrets.json');
      const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
      assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'dev-secrets.json is private');
      for (const k of ['apiKey', 'jwtSecret', 'webhookSecret']) assert.match(saved[k], /^[0-9a-f]{32,}$/, k);
      assert.match(server.log, /DEVELOPMENT MODE/);
      Object.assign(server, { keys: [saved.apiKey], apiKey: saved.apiKey, jwtSecret: saved.jwtSecret });
      const r = await server.createRoom();
      await server.restart();
      assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), saved, 'the same secrets after a restart');
      assert.equal((await server.api('GET', `/api/rooms/${r.roomId}/status`)).status, 200);
    } finally {
      await server.close();
    }
  });

  it('builds connection URLs from ROOMS_PUBLIC_URL', T, async () => {
    const server = await startRoomsd({ env: { ROOMS_PUBLIC_URL: 'https://rooms.example.com/' } });
    try {
      const { roomId, body, res } = await server.createRoom();
      assert.deepEqual(res.json.connectionUrls, {
        coach: `https://rooms.example.com/room/${roomId}?token=${body.participants.coach.token}`,
        client: `https://rooms.example.com/room/${roomId}?token=${body.participants.client.token}`,
        websocket: `wss://rooms.example.com/events/${roomId}`,
      });
    } finally {
      await server.close();
    }
  });

  it('writes one JSON object per log line with ROOMS_LOG_FORMAT=json', T, async () => {
    const server = await startRoomsd({ env: { ROOMS_LOG_FORMAT: 'json' }, logLevel: 'debug' });
    try {
      const { roomId } = await server.createRoom();
      await server.presence(roomId, 'coach', 'connect', 'c1');
      await server.api('GET', '/api/nope');
    } finally {
      await server.stop();
      await server.close();
    }
    const lines = server.log.split('\n').filter((l) => l.startsWith('{'));
    assert.ok(lines.length >= 5, server.log);
    const events = [];
    for (const line of lines) {
      let j;
      assert.doesNotThrow(() => { j = JSON.parse(line); }, `not JSON: ${line}`);
      assert.match(j.time, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      assert.ok(['debug', 'info', 'warn', 'error'].includes(j.level), line);
      assert.equal(typeof j.event, 'string');
      events.push(j.event);
    }
    for (const e of ['listening', 'room_created', 'event', 'request', 'shutting_down']) assert.ok(events.includes(e), `${e} in ${events}`);
  });
});
