// A throwaway Redis server for the cluster tests: Debian's redis-server (scripts/deps.sh) on 127.0.0.1 at a
// free port, no persistence, its directory temporary, stopped when the process exits.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { freePort, sleep } from './roomsd.mjs';

export async function redisServer() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-redis-'));
  const port = await freePort();
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--dir', dir, '--protected-mode', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  const stop = () => {
    if (proc.exitCode === null) proc.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stop);
  for (let i = 0; ; i++) {
    const up = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.end(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (up) break;
    if (i > 100 || proc.exitCode !== null) throw new Error(`redis-server did not start: ${log}`);
    await sleep(50);
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    log: () => log,
    // One command through redis-cli; its raw output.
    cli(...args) {
      const r = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), '--raw', ...args], { timeout: 10000 });
      return r.stdout.toString().trim();
    },
    stop,
  };
}
