// A coturn of the test's own on 127.0.0.1 (use-auth-secret, as roomsd's ROOMS_TURN_SECRET expects), for the
// tests and benchmarks that force a participant onto relayed candidates.
//
//   const turn = await startCoturn({ port: 34790 });   // turn.secret, turn.log, turn.credentials()
//   await turn.close();
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { sleep, waitUntil } from '../../integration/helpers/roomsd.mjs';

export const TURN_BIN = '/usr/bin/turnserver';

// minPort..maxPort: coturn's relay ports; keep each user of this helper on its own range.
export async function startCoturn({ port, secret = `turn-${crypto.randomBytes(12).toString('hex')}`, minPort = 49300, maxPort = 49399 } = {}) {
  if (!fs.existsSync(TURN_BIN)) throw new Error(`${TURN_BIN} is missing (scripts/deps.sh installs coturn)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-coturn-'));
  const proc = spawn(TURN_BIN, [
    '-n', '--listening-ip=127.0.0.1', '--relay-ip=127.0.0.1', `--listening-port=${port}`,
    `--min-port=${minPort}`, `--max-port=${maxPort}`, '--use-auth-secret', `--static-auth-secret=${secret}`,
    '--realm=rooms.test', '--no-tls', '--no-dtls', '--no-cli', '--allow-loopback-peers', '--fingerprint',
    '--simple-log', '--log-file=stdout', `--pidfile=${path.join(dir, 'turn.pid')}`, `--userdb=${path.join(dir, 'turn.db')}`,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  const turn = {
    proc,
    port,
    secret,
    log: '',
    tail: (n = 20) => turn.log.split('\n').slice(-n).join('\n'),
    // TURN REST credentials, as roomsd hands them out (docs/signaling.md "TURN").
    credentials(ttlSeconds = 3600) {
      const username = `${Math.floor(Date.now() / 1000) + ttlSeconds}:bench`;
      const credential = crypto.createHmac('sha1', secret).update(username).digest('base64');
      return { username, credential };
    },
    async close() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        await Promise.race([new Promise((r) => proc.on('exit', r)), sleep(3000)]);
        if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  proc.stdout.on('data', (d) => { turn.log += d; });
  proc.stderr.on('data', (d) => { turn.log += d; });
  try {
    await waitUntil(() => /Total General servers|DB connection success/.test(turn.log) || proc.exitCode !== null,
      { timeoutMs: 10000, intervalMs: 100, message: 'coturn to listen' });
    if (proc.exitCode !== null) throw new Error(`coturn exited: ${turn.log}`);
    await sleep(500); // its listeners open right after the general servers
  } catch (e) {
    await turn.close();
    throw e;
  }
  return turn;
}
