// The load generator's smoke run (issue: "used in make test ... so the tool itself stays working"): a few
// rooms of real WebRTC peers (build/rooms-loadgen: our ICE/DTLS/SRTP from the client side, real signaling and
// JWTs) against the real roomsd for a few seconds, which must forward every packet to the right subscriber.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { REPO_ROOT, startRoomsd } from './helpers/roomsd.mjs';

const LOADGEN = process.env.ROOMS_LOADGEN_BIN || path.join(REPO_ROOT, 'build', 'rooms-loadgen');
let server;

before(async () => {
  // Two media workers whatever the machine has: the smoke run's rooms spread over both.
  server = await startRoomsd({ env: { ROOMS_MEDIA_WORKERS: '2' } });
});

after(async () => {
  await server?.close();
});

function runLoadgen(args, { timeoutMs = 60000 } = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(LOADGEN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout.on('data', (d) => { output += d; });
    proc.stderr.on('data', (d) => { output += d; });
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`rooms-loadgen timed out:\n${output}`)); },
      timeoutMs);
    proc.on('error', reject);
    proc.on('exit', (code) => { clearTimeout(timer); resolve({ code, output }); });
  });
}

describe('rooms-loadgen smoke run', () => {
  it('forwards every packet of 3 two-party rooms to the right subscriber, with no loss', { timeout: 90000 }, async () => {
    const json = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'loadgen-')), 'run.json');
    const { code, output } = await runLoadgen([
      '--target', 'rooms', '--port', String(server.port), '--api-key', server.apiKey, '--jwt-secret', server.jwtSecret,
      '--server-pid', String(server.proc.pid), '--rooms', '3', '--warmup', '1', '--window', '3',
      '--expect-zero-loss', '--json', json,
    ]);
    assert.equal(code, 0, output);
    const run = JSON.parse(fs.readFileSync(json, 'utf8'));
    const [step] = run.steps;
    assert.equal(step.rooms, 3);
    assert.equal(step.peers, 6);
    assert.equal(step.forwardedStreams, 12, 'each of 6 participants receives the other one\'s audio and video');
    // 6 publishers x (50 audio + ~110-150 video packets/s) x 3 s.
    assert.ok(step.sent > 6 * 150 * 3, `sent ${step.sent}`);
    assert.equal(step.received, step.expected, 'every packet reached its subscriber');
    assert.equal(step.misrouted, 0, 'nothing reached a participant of another room or its sender');
    assert.equal(step.silentStreams, 0);
    assert.ok(step.latencyP99Ms > 0 && step.latencyP99Ms < 100, `p99 ${step.latencyP99Ms} ms`);
    assert.ok(step.serverCpuSeconds > 0, 'server CPU read from /proc');
    assert.ok(step.serverRssBytes > 1 << 20, 'server RSS read from /proc');
    // Both workers carry rooms, and each forwards its rooms' share of the packets.
    assert.equal(step.workers, 2, output);
    assert.equal(step.roomsPerWorker.reduce((a, b) => a + b, 0), 3, JSON.stringify(step.roomsPerWorker));
    assert.ok(step.roomsPerWorker.every((n) => n >= 1), `rooms per worker ${step.roomsPerWorker}`);
    assert.ok(step.workerPacketShare.every((p) => p > 15 && p < 85), `packet shares ${step.workerPacketShare}`);
  });

  it('recovers video lost on impaired links both ways: NACKs to and from the peers, retransmissions both ways', { timeout: 90000 }, async () => {
    const json = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'loadgen-')), 'run.json');
    const { code, output } = await runLoadgen([
      '--target', 'rooms', '--port', String(server.port), '--api-key', server.apiKey, '--jwt-secret', server.jwtSecret,
      '--server-pid', String(server.proc.pid), '--rooms', '3', '--warmup', '1', '--window', '4',
      '--send-loss', '5', '--receive-loss', '5', '--json', json,
    ]);
    assert.equal(code, 0, output);
    const run = JSON.parse(fs.readFileSync(json, 'utf8'));
    const [step] = run.steps;
    assert.equal(step.silentStreams, 0);
    assert.equal(step.misrouted, 0);
    const { recovery } = run;
    assert.ok(recovery.droppedSent > 0 && recovery.droppedReceived > 0, JSON.stringify(recovery));
    // The server asked the publishers for what their uplinks lost, and they answered.
    assert.ok(recovery.nacksReceived > 0 && recovery.retransmissionsSent > 0, JSON.stringify(recovery));
    // The subscribers asked the server for what their downlinks lost.
    assert.ok(recovery.nacksSent > 0, JSON.stringify(recovery));
    // Audio has no NACKs: about 5% of it is lost on each of two legs. Video is repaired but for what a
    // retransmission lost again after its last retry, or what arrived after the window's drain: well under
    // the 10% that crossed two lossy legs.
    assert.ok(step.videoLossPercent < 1, `video loss after recovery ${step.videoLossPercent}%\n${output}`);
    assert.ok(step.lossPercent > step.videoLossPercent, 'audio loss stays unrecovered');
  });

  it('fails, saying why, when the server refuses its tokens', { timeout: 60000 }, async () => {
    const { code, output } = await runLoadgen([
      '--target', 'rooms', '--port', String(server.port), '--api-key', server.apiKey,
      '--jwt-secret', 'not-the-server-secret', '--rooms', '1', '--window', '1', '--connect-timeout', '5',
      '--expect-zero-loss',
    ]);
    assert.notEqual(code, 0, output);
    assert.match(output, /invalid_participant_token|token/i);
  });
});
