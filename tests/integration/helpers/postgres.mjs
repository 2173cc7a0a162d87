// A throwaway PostgreSQL server for the tests: Debian's postgresql (scripts/deps.sh), a cluster made with
// initdb in a temporary directory, listening on 127.0.0.1 at a free port with trust authentication, fsync
// off (a test's data need not survive a power cut), stopped and deleted when the process exits. initdb and
// the server refuse to run as root, so as root they run as the postgres user Debian's package creates.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { freePort } from './roomsd.mjs';

function binDir() {
  const base = '/usr/lib/postgresql';
  const versions = fs.existsSync(base) ? fs.readdirSync(base).filter((v) => /^\d+$/.test(v)).sort((a, b) => b - a) : [];
  for (const v of versions) if (fs.existsSync(path.join(base, v, 'bin', 'initdb'))) return path.join(base, v, 'bin');
  throw new Error('PostgreSQL is not installed (scripts/deps.sh installs Debian\'s postgresql)');
}

const asRoot = process.getuid?.() === 0;
function pg(bin, args, options = {}) {
  const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  return execFileSync(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60000, ...options }).toString();
}

let shared = null;

// Starts the server once per test process; every call after the first returns the same one.
export async function postgresServer() {
  if (shared) return shared;
  const bin = binDir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-pg-'));
  if (asRoot) execFileSync('chown', ['postgres:postgres', dir]);
  const data = path.join(dir, 'data');
  pg(path.join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'rooms', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  pg(path.join(bin, 'pg_ctl'), ['-D', data, '-l', path.join(dir, 'server.log'), '-w', '-t', '30', '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200`,
    'start']);
  const stop = () => {
    const [cmd, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', path.join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', '-w', 'stop']]
      : [path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']];
    spawnSync(cmd, argv, { stdio: 'ignore', timeout: 30000 });
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stop);
  let databases = 0;
  shared = {
    port,
    log: () => fs.readFileSync(path.join(dir, 'server.log'), 'utf8'),
    // A new, empty database on the server; its URL.
    createDatabase(prefix = 'rooms') {
      const name = `${prefix}_${process.pid}_${++databases}`;
      pg(path.join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'rooms', name]);
      return `postgresql://rooms@127.0.0.1:${port}/${name}`;
    },
    // Runs SQL through psql and returns its unaligned output.
    query(url, sql) {
      return pg(path.join(bin, 'psql'), ['-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql]).trim();
    },
    stop,
  };
  return shared;
}
