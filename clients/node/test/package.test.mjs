// The package as the main app installs it (README "Install"): npm pack, then npm install of the tarball (and
// of the folder with --install-links) into a fresh temporary project, offline: ws comes from a tarball packed
// from the local node_modules, so nothing is fetched. The installed copy is imported as ES module and
// required from CommonJS, and its roomsctl bin runs.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

const PKG_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(PKG_DIR, 'package.json'), 'utf8'));
const T = { timeout: 180000 };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-client-pack-'));
const npmEnv = {
  ...process.env,
  npm_config_cache: path.join(tmp, 'npm-cache'), // an empty cache: the install cannot use anything else
  npm_config_offline: 'true',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
};

function run(cmd, args, { cwd, timeoutMs = 120000 } = {}) {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env: npmEnv, timeout: timeoutMs }, (error, stdout, stderr) => {
      resolve({ code: error ? (error.code ?? 'killed') : 0, stdout, stderr });
    });
  });
}

let tarball;
let wsTarball;
let packedFiles;

before(async () => {
  const packed = await run('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: PKG_DIR });
  assert.equal(packed.code, 0, packed.stderr);
  const [info] = JSON.parse(packed.stdout);
  tarball = path.join(tmp, info.filename);
  packedFiles = info.files.map((f) => f.path);
  const wsDir = path.dirname(createRequire(import.meta.url).resolve('ws/package.json'));
  const ws = await run('npm', ['pack', '--json', '--pack-destination', tmp, wsDir], { cwd: tmp });
  assert.equal(ws.code, 0, ws.stderr);
  wsTarball = path.join(tmp, JSON.parse(ws.stdout)[0].filename);
});

after(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function freshProject(name, installArgs) {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true }));
  const r = await run('npm', ['install', ...installArgs], { cwd: dir });
  assert.equal(r.code, 0, `npm install ${installArgs.join(' ')}: ${r.stderr}`);
  return dir;
}

// Imports the installed package both ways and checks it works (a client refusing a missing key).
async function assertUsable(dir) {
  const installed = path.join(dir, 'node_modules', '@rooms', 'client');
  assert.ok(!fs.lstatSync(installed).isSymbolicLink(), 'a copy, not a link to the source folder');
  assert.ok(fs.existsSync(path.join(dir, 'node_modules', 'ws', 'package.json')), 'ws installed');
  const probe = `
    const check = (m) => {
      if (typeof m.RoomService !== 'function' || typeof m.webhookMiddleware !== 'function') throw new Error('exports missing');
      const c = new m.RoomService({ baseUrl: 'http://127.0.0.1:3001', apiKey: 'k' });
      c.close();
      try { new m.RoomService({ baseUrl: 'http://127.0.0.1:3001' }); } catch (e) { return e.message; }
      throw new Error('no key accepted');
    };`;
  fs.writeFileSync(path.join(dir, 'esm.mjs'), `${probe}\nconsole.log(check(await import('@rooms/client')));\n`);
  fs.writeFileSync(path.join(dir, 'cjs.cjs'), `${probe}\nconsole.log(check(require('@rooms/client')));\n`);
  for (const file of ['esm.mjs', 'cjs.cjs']) {
    const r = await run(process.execPath, [file], { cwd: dir, timeoutMs: 20000 });
    assert.equal(r.code, 0, `${file}: ${r.stderr}`);
    assert.match(r.stdout, /no API key/, file);
  }
  // The entry resolved is the installed copy, not this repository's source.
  const resolved = createRequire(path.join(dir, 'x.js')).resolve('@rooms/client');
  assert.ok(resolved.startsWith(installed), resolved);
  const help = await run(path.join(dir, 'node_modules', '.bin', 'roomsctl'), ['--help'], { cwd: dir, timeoutMs: 20000 });
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /Exit codes:/);
}

describe('package: install from a clean project', () => {
  it('is publishable: not private, a files list, engines stating the CommonJS need, README links inside', () => {
    assert.notEqual(pkg.private, true);
    assert.ok(Array.isArray(pkg.files) && pkg.files.length > 0);
    assert.match(pkg.engines.node, />=\s*20\.19/);
    const [major, minor] = process.versions.node.split('.').map(Number);
    assert.ok(major > 20 || (major === 20 && minor >= 19), `this Node (${process.version}) is outside engines`);
    const files = packedFiles;
    for (const f of ['README.md', 'package.json', 'src/index.js', 'src/index.d.ts', 'bin/roomsctl.mjs']) {
      assert.ok(files.includes(f), `${f} packed: ${files}`);
    }
    assert.ok(!files.some((f) => f.startsWith('test/')), 'no tests packed');
    const readme = fs.readFileSync(path.join(PKG_DIR, 'README.md'), 'utf8');
    for (const [, target] of readme.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^(https?:|mailto:|#)/.test(target)) continue;
      const rel = path.normalize(target.split('#')[0]);
      assert.ok(files.includes(rel), `README links to ${target}, which is not in the package`);
    }
  });

  it('npm install <tarball> (offline), then import and require it, and run roomsctl', T, async () => {
    const dir = await freshProject('app-tarball', [wsTarball, tarball]);
    await assertUsable(dir);
  });

  it('npm install --install-links <folder> installs a copy with ws as well', T, async () => {
    const dir = await freshProject('app-folder', ['--install-links', wsTarball, PKG_DIR]);
    await assertUsable(dir);
  });
});
