// The forced fallback: both pages use iceTransportPolicy 'relay', so media can only flow through a coturn
// started here (use-auth-secret, the TURN REST credentials roomsd hands out in `welcome`). Analytics then
// report the TURN fallback.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { sleep, startRoomsd, waitUntil, withTimeout } from '../integration/helpers/roomsd.mjs';
import { closeBrowser, launchChromium, newParticipantPage, onServer, receivedMedia, screenshot } from './helpers/browser.mjs';

const TURN_BIN = '/usr/bin/turnserver';
const TURN_PORT = 34780;
const TURN_SECRET = 'turn-test-secret-0123456789';

let server;
let browser;
let turn;
let turnLog = '';

before(async () => {
  assert.ok(fs.existsSync(TURN_BIN), `${TURN_BIN} is missing (scripts/deps.sh installs coturn)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-turn-'));
  turn = spawn(TURN_BIN, [
    '-n', '--listening-ip=127.0.0.1', '--relay-ip=127.0.0.1', `--listening-port=${TURN_PORT}`,
    '--min-port=49160', '--max-port=49200', '--use-auth-secret', `--static-auth-secret=${TURN_SECRET}`,
    '--realm=rooms.test', '--no-tls', '--no-dtls', '--no-cli', '--allow-loopback-peers', '--fingerprint',
    '--simple-log', '--log-file=stdout', `--pidfile=${path.join(dir, 'turn.pid')}`, `--userdb=${path.join(dir, 'turn.db')}`,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  turn.stdout.on('data', (d) => { turnLog += d; });
  turn.stderr.on('data', (d) => { turnLog += d; });
  await waitUntil(() => /Total General servers|DB connection success/.test(turnLog) || turn.exitCode !== null,
    { timeoutMs: 10000, intervalMs: 100, message: 'coturn to listen' });
  assert.equal(turn.exitCode, null, `coturn exited: ${turnLog}`);
  await sleep(500); // its listeners open right after the general servers
  server = await startRoomsd({
    env: {
      ROOMS_TURN_URLS: `turn:127.0.0.1:${TURN_PORT}?transport=udp`,
      ROOMS_TURN_SECRET: TURN_SECRET,
    },
  });
  browser = await launchChromium();
});

after(async () => {
  await closeBrowser(browser);
  await server?.close();
  if (turn && turn.exitCode === null) {
    turn.kill('SIGTERM');
    await Promise.race([new Promise((r) => turn.on('exit', r)), sleep(3000)]);
  }
});

describe('TURN fallback', () => {
  it('media flows through coturn when the pages may only use relay candidates', { timeout: 120000 }, async () => {
    const { roomId, res } = await server.createRoom({ aiOrb: { enabled: false } });
    const coach = await newParticipantPage(browser, onServer(server, res.json.connectionUrls.coach, '&iceTransportPolicy=relay'), { label: 'coach' });
    const client = await newParticipantPage(browser, onServer(server, res.json.connectionUrls.client, '&iceTransportPolicy=relay'), { label: 'client' });
    try {
      for (const [label, page] of [['coach', coach], ['client', client]]) {
        await waitUntil(async () => {
          const r = await receivedMedia(page);
          return r.framesDecoded > 0 && r.audioPackets > 0;
        }, { timeoutMs: 30000, intervalMs: 300, message: `${label} to receive media over TURN\n${turnLog.slice(-2000)}\n${server.tail(30)}` });
        const r = await receivedMedia(page);
        assert.equal(r.pair?.candidateType, 'relay', `${label} uses a relayed candidate: ${JSON.stringify(r.pair)}`);
      }
      await screenshot(coach, 'turn-coach');
      // The pages report their path; the next analytics flush (every 5 s) carries it.
      await waitUntil(async () => {
        const a = await server.api('GET', `/api/rooms/${roomId}/analytics`);
        return a.json?.metrics?.fallbacksUsed?.includes('TURN') ? a : null;
      }, { timeoutMs: 15000, intervalMs: 500, message: 'analytics to list the TURN fallback' });
    } finally {
      for (const p of [coach, client]) await withTimeout(p.context().close(), 10000, 'close').catch(() => {});
    }
  });
});
