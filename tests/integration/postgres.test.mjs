// The store on PostgreSQL (ROOMS_DATABASE_URL, docs/cluster.md): what roomsd keeps there, across a restart, and
// how it refuses what it cannot use. The rest of the store's behaviour on PostgreSQL is the API, events,
// webhooks, crash and client suites run again by `make test-integration-postgres`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { postgresServer } from './helpers/postgres.mjs';
import { buildCreateBody, freePort, runToExit, startRoomsd } from './helpers/roomsd.mjs';

const T = { timeout: 60000 };
const SECRETS = { ROOM_SERVICE_API_KEY: 'k', JWT_SIGNING_SECRET: 'j', ROOM_WEBHOOK_SECRET: 'w' };

let pg;
before(async () => {
  pg = await postgresServer();
});

describe('the store on PostgreSQL', () => {
  let server;
  after(async () => {
    await server?.close();
  });

  it('keeps rooms, events and the schema version there, and finds them again after a restart', T, async () => {
    const url = pg.createDatabase('keeps');
    server = await startRoomsd({ env: { ROOMS_DATABASE_URL: url } });
    assert.match(server.log, /store_opened engine=postgresql/);
    const created = await server.api('POST', '/api/rooms/create', { json: buildCreateBody(server.jwtSecret) });
    assert.equal(created.status, 201, created.text);
    const { roomId } = created.json;
    const ended = await server.api('POST', `/api/rooms/${roomId}/end`, { json: { reason: 'session_completed', requestedBy: 'system' } });
    assert.equal(ended.status, 200, ended.text);

    assert.equal(pg.query(url, `SELECT state FROM rooms WHERE room_id = '${roomId}'`), 'ended');
    const types = pg.query(url, `SELECT type FROM events WHERE room_id = '${roomId}' ORDER BY id`).split('\n');
    assert.ok(types.includes('room-ended'), `events in PostgreSQL: ${types.join(', ')}`);
    assert.ok(Number(pg.query(url, 'SELECT version FROM rooms_schema')) >= 5);

    // kill -9, then a new process on the same database: the room and its events are where they were, and
    // the schema is not migrated twice.
    await server.kill9();
    await server.start();
    const status = await server.api('GET', `/api/rooms/${roomId}/status`);
    assert.equal(status.status, 200, status.text);
    assert.equal(status.json.status, 'ended');
    // Event ids go on from where they were: a new room's events come after the old one's.
    const lastBefore = Number(pg.query(url, `SELECT MAX(id) FROM events WHERE room_id = '${roomId}'`));
    const next = await server.api('POST', '/api/rooms/create', { json: buildCreateBody(server.jwtSecret) });
    assert.equal(next.status, 201, next.text);
    const ended2 = await server.api('POST', `/api/rooms/${next.json.roomId}/end`, { json: { reason: 'cancelled', requestedBy: 'system' } });
    assert.equal(ended2.status, 200, ended2.text);
    const firstAfter = Number(pg.query(url, `SELECT MIN(id) FROM events WHERE room_id = '${next.json.roomId}'`));
    assert.ok(firstAfter > lastBefore, `event ids ${lastBefore} then ${firstAfter}`);
    assert.equal(pg.query(url, 'SELECT COUNT(*) FROM rooms_schema'), '1');
  });

  it('refuses a second roomsd on a database another one uses (no cluster mode yet)', T, async () => {
    const url = pg.createDatabase('sole');
    const first = await startRoomsd({ env: { ROOMS_DATABASE_URL: url } });
    try {
      const { code, output } = await runToExit([], { ...SECRETS, ROOMS_DATABASE_URL: url });
      assert.notEqual(code, 0, output);
      assert.match(output, /another roomsd already uses this PostgreSQL database/, output);
      const health = await first.api('GET', '/health');
      assert.equal(health.status, 200, 'the first one goes on');
    } finally {
      await first.close();
    }
    // Gone, its lock is gone with its connection: the next one starts.
    const next = await startRoomsd({ env: { ROOMS_DATABASE_URL: url } });
    await next.close();
  });

  it('refuses a database URL that is not PostgreSQL\'s, naming the setting', T, async () => {
    const { code, output } = await runToExit([], { ...SECRETS, ROOMS_DATABASE_URL: 'mysql://rooms@127.0.0.1/rooms' });
    assert.notEqual(code, 0, output);
    assert.match(output, /database-url|ROOMS_DATABASE_URL/, output);
    assert.match(output, /not a PostgreSQL URL/, output);
  });

  it('refuses SQLite\'s durability setting next to a PostgreSQL URL instead of ignoring it', T, async () => {
    const { code, output } = await runToExit([], {
      ...SECRETS, ROOMS_DATABASE_URL: pg.createDatabase('sync'), ROOMS_DB_SYNCHRONOUS: 'FULL',
    });
    assert.notEqual(code, 0, output);
    assert.match(output, /ROOMS_DB_SYNCHRONOUS is SQLite's setting/, output);
  });

  it('stops at start with a clear error when the server cannot be reached', T, async () => {
    const port = await freePort();
    const { code, output } = await runToExit([], { ...SECRETS, ROOMS_DATABASE_URL: `postgresql://rooms:hunter2@127.0.0.1:${port}/rooms` });
    assert.notEqual(code, 0, output);
    assert.match(output, /cannot connect to PostgreSQL/, output);
    assert.doesNotMatch(output, /hunter2/, 'the password stays out of the log');
  });

  it('refuses a database a newer roomsd migrated', T, async () => {
    const url = pg.createDatabase('newer');
    pg.query(url, 'CREATE TABLE rooms_schema (version INTEGER NOT NULL); INSERT INTO rooms_schema VALUES (999)');
    const { code, output } = await runToExit([], { ...SECRETS, ROOMS_DATABASE_URL: url });
    assert.notEqual(code, 0, output);
    assert.match(output, /schema version 999 is newer than this roomsd/, output);
  });
});
