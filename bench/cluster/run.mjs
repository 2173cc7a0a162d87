// make bench-cluster: three roomsd nodes on this machine in cluster mode (Redis and PostgreSQL started here on
// loopback, as the cluster tests do), measured three ways (bench/README.md):
//   1. placement: how 60 rooms created through one node spread over the three;
//   2. the API through a non-owner: /status latency through a node that forwards to the owner, against the
//      owner itself, in the same run (goal: p99 under 2x the owner's and under 5 ms);
//   3. the media gap when an owner dies: two Chromium pages in a call through a non-owner's URLs, the owner
//      killed with -9, the time until both decode video again on new peer connections (goal: median of 5
//      under 10 s).
// Runs inside ../shared/tools/loopback-only. Figures go to stdout and test-artifacts/bench-cluster.json.
// Knobs: BENCH_CLUSTER_ROOMS (60), BENCH_CLUSTER_REQUESTS (2000 per path), BENCH_CLUSTER_KILLS (5).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import { ARTIFACTS_DIR, closeBrowser, launchChromium, newParticipantPage, onServer, receivedMedia } from '../../tests/browser/helpers/browser.mjs';
import { waitUntil } from '../../tests/integration/helpers/roomsd.mjs';
import { startCluster } from '../../tests/cluster/helpers/cluster.mjs';

const ROOMS = Number(process.env.BENCH_CLUSTER_ROOMS ?? 60);
const REQUESTS = Number(process.env.BENCH_CLUSTER_REQUESTS ?? 2000);
const KILLS = Number(process.env.BENCH_CLUSTER_KILLS ?? 5);
const IDS = ['a', 'b', 'c'];

const quantile = (xs, q) => {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// One keep-alive connection per target, requests one after another: the latency of the route, not of
// connection set-up or of queueing behind other requests.
function timedGet(agent, port, p, key) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.request({ host: '127.0.0.1', port, path: p, agent, headers: { Authorization: `Bearer ${key}` } }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`GET ${p} on ${port}: ${res.statusCode}`));
        else resolve(Number(process.hrtime.bigint() - t0) / 1e6);
      });
    });
    req.setTimeout(10000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

async function placement(cluster) {
  const { nodes } = cluster;
  const counts = Object.fromEntries(IDS.map((id) => [id, 0]));
  const rooms = [];
  for (let i = 0; i < ROOMS; i++) {
    const { roomId } = await nodes.a.createRoom({ aiOrb: { enabled: false } });
    const owner = cluster.owner(roomId);
    counts[owner] = (counts[owner] ?? 0) + 1;
    rooms.push({ roomId, owner });
  }
  const values = Object.values(counts);
  return { rooms, counts, spread: Math.max(...values) / Math.max(1, Math.min(...values)) };
}

async function apiLatency(cluster, rooms) {
  const { nodes } = cluster;
  // Rooms B holds, asked through A (forwarded) and through B (answered there), interleaved.
  const held = rooms.filter((r) => r.owner === 'b').map((r) => r.roomId);
  if (held.length === 0) throw new Error('placement put no room on b');
  const viaA = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const viaB = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const forwarded = [];
  const direct = [];
  for (let i = 0; i < 50; i++) { // warm-up: connections, the forwarder's curl handles, caches
    const p = `/api/rooms/${held[i % held.length]}/status`;
    await timedGet(viaA, nodes.a.port, p, nodes.a.apiKey);
    await timedGet(viaB, nodes.b.port, p, nodes.b.apiKey);
  }
  for (let i = 0; i < REQUESTS; i++) {
    const p = `/api/rooms/${held[i % held.length]}/status`;
    forwarded.push(await timedGet(viaA, nodes.a.port, p, nodes.a.apiKey));
    direct.push(await timedGet(viaB, nodes.b.port, p, nodes.b.apiKey));
  }
  viaA.destroy();
  viaB.destroy();
  const sum = (xs) => ({ p50: quantile(xs, 0.5), p99: quantile(xs, 0.99), max: Math.max(...xs) });
  return { requests: REQUESTS, forwarded: sum(forwarded), owner: sum(direct) };
}

async function mediaGaps(cluster) {
  const { nodes } = cluster;
  const browser = await launchChromium();
  const gaps = [];
  try {
    for (let round = 0; round < KILLS; round++) {
      // The owner rotates over b and c; a drains for the whole run, so it is the node the pages go through
      // and the survivor among b and c takes the room.
      const victim = round % 2 === 0 ? 'b' : 'c';
      const other = victim === 'b' ? 'c' : 'b';
      await cluster.drain(other);
      const { roomId, body, res } = await nodes.a.createRoom({ aiOrb: { enabled: false } });
      if (cluster.owner(roomId) !== victim) throw new Error(`room on ${cluster.owner(roomId)}, not ${victim}`);
      await cluster.drain(other, false);
      const pages = [];
      try {
        for (const role of ['coach', 'client']) {
          pages.push({ role, from: body.participants[role === 'coach' ? 'client' : 'coach'].id,
            page: await newParticipantPage(browser, onServer(nodes.a, res.json.connectionUrls[role]), { label: role }) });
        }
        for (const p of pages) {
          await waitUntil(async () => (await receivedMedia(p.page, p.from)).framesDecoded > 0,
            { timeoutMs: 30000, intervalMs: 200, message: `${p.role} to decode video` });
          await p.page.evaluate(() => { window.__oldPc = window.__room.pc; });
        }
        await nodes[victim].kill9();
        const killedAt = Date.now();
        const back = await Promise.all(pages.map(async (p) => {
          await waitUntil(async () => {
            const fresh = await p.page.evaluate(() => window.__room.pc !== window.__oldPc);
            return fresh && (await receivedMedia(p.page, p.from)).framesDecoded > 0;
          }, { timeoutMs: 30000, intervalMs: 100, message: `${p.role} to decode video after ${victim} died` });
          return Date.now() - killedAt;
        }));
        const gap = Math.max(...back);
        gaps.push({ victim, takenBy: cluster.owner(roomId), gapMs: gap, pagesMs: back });
        console.log(`  kill ${round + 1}: ${victim} killed, ${cluster.owner(roomId)} took the room, video back after ${back.join(' / ')} ms`);
        await nodes.a.endRoom(roomId);
      } finally {
        for (const p of pages) await p.page.context().close().catch(() => {});
      }
      await nodes[victim].start();
      await waitUntil(async () => (await nodes.a.api('GET', '/health', { noAuth: true })).json.cluster.nodes.length === 3,
        { timeoutMs: 10000, message: `${victim} back in the cluster` });
    }
  } finally {
    await closeBrowser(browser);
  }
  return { kills: gaps, medianMs: median(gaps.map((g) => g.gapMs)) };
}

const cluster = await startCluster(IDS, { name: 'bench_cluster', env: { ROOMS_MEDIA_WORKERS: '1' }, logLevel: 'warn' });
try {
  console.log(`bench-cluster: three nodes (${IDS.join(', ')}) on this machine, Redis and PostgreSQL on loopback`);
  const placed = await placement(cluster);
  console.log(`placement of ${ROOMS} rooms created through a: ${IDS.map((id) => `${id} ${placed.counts[id]}`).join(', ')} ` +
    `(largest / smallest ${placed.spread.toFixed(2)})`);
  const api = await apiLatency(cluster, placed.rooms);
  const ratio = api.forwarded.p99 / api.owner.p99;
  console.log(`GET /status, ${api.requests} each, one keep-alive connection: through a (forwarded to b) ` +
    `p50 ${api.forwarded.p50.toFixed(2)} ms p99 ${api.forwarded.p99.toFixed(2)} ms; on b itself p50 ` +
    `${api.owner.p50.toFixed(2)} ms p99 ${api.owner.p99.toFixed(2)} ms; p99 ratio ${ratio.toFixed(2)} ` +
    `(goal: under 2 and under 5 ms: ${ratio < 2 && api.forwarded.p99 < 5 ? 'met' : 'NOT met'})`);
  for (const { roomId } of placed.rooms) await cluster.nodes.a.endRoom(roomId).catch(() => {});
  await cluster.drain('a');
  console.log(`media gap after kill -9 of the owner (${KILLS} kills, two Chromium pages through a):`);
  const media = await mediaGaps(cluster);
  console.log(`media gap: median ${media.medianMs} ms (goal under 10000 ms: ${media.medianMs < 10000 ? 'met' : 'NOT met'})`);
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  fs.writeFileSync(path.join(ARTIFACTS_DIR, 'bench-cluster.json'),
    JSON.stringify({ at: new Date().toISOString(), placement: { counts: placed.counts, spread: placed.spread }, api, media }, null, 1));
} finally {
  await cluster.close();
}
