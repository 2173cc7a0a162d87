// make bench-quality: call quality over an impaired link, rooms against a direct browser-to-browser call
// (bench/README.md "bench-quality"). Run inside ../shared/tools/loopback-only.
//
// For each profile the client's link (both ways) crosses tests/browser/helpers/impaired-link.mjs in front
// of a coturn started here, and the client may use relayed candidates only; the coach's are direct. Two
// calls per profile, one after the other, in the same Chromium: (a) the room page through roomsd, (b)
// bench/quality/direct.html, the same two peers straight to each other. Each call is measured over two
// consecutive windows from the moment both pages decode media: "start" (its first 30 s, in which Chromium
// ramps its resolution up and the estimators find the link) and "steady" (the 30 s after that), each with
// its own table: uplink = what the coach receives from the client, downlink = what the client receives.
//
// Knobs: BENCH_QUALITY_WINDOW (s, 30), BENCH_QUALITY_PHASES (start,steady), BENCH_QUALITY_PROFILES (comma-separated
// names of PROFILES, all by default), BENCH_QUALITY_SEED (1), BENCH_QUALITY_JSON (the JSON file,
// test-artifacts/bench-quality.json), BENCH_QUALITY_SYSTEMS (rooms,direct), BENCH_QUALITY_STRICT=1 (exit 1 when a goal is missed),
// BENCH_QUALITY_TRACE=1 (each page's figures second by second), BENCH_QUALITY_PRIORITY=0 (no raised priority
// for coturn, roomsd and the link), ROOMSD_BIN.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { freePort, REPO_ROOT, ROOMSD_BIN, sleep, startRoomsd, waitUntil, withTimeout } from '../../tests/integration/helpers/roomsd.mjs';
import { ARTIFACTS_DIR, closeBrowser, launchChromium, newParticipantPage, onServer, pageLog, receivedMedia } from '../../tests/browser/helpers/browser.mjs';
import { startCoturn } from '../../tests/browser/helpers/coturn.mjs';
import { PROFILES, startImpairedLink } from '../../tests/browser/helpers/impaired-link.mjs';
import { raisePriority } from '../../tests/browser/helpers/priority.mjs';
import { DIRECT_PC, formatFigures, formatTrace, measureWindow, qualitySnapshot, ROOM_PC } from '../../tests/browser/helpers/quality.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const WINDOW_MS = Number(process.env.BENCH_QUALITY_WINDOW ?? 30) * 1000;
// The call's start and its steady state are told apart: on these links a freeze in the first seconds comes
// from how a call starts (Chromium's resolution steps some 8 s apart, each with a key frame at the new size,
// and the estimators finding the link), later ones from how loss is repaired. Both are measured, in that
// order, in each call.
const PHASES = (process.env.BENCH_QUALITY_PHASES ?? 'start,steady').split(',').map((s) => s.trim()).filter(Boolean);
if (process.env.BENCH_QUALITY_WARMUP !== undefined) {
  console.error('BENCH_QUALITY_WARMUP is gone: each call is measured from its start (BENCH_QUALITY_PHASES=start,steady)');
  process.exit(2);
}
// coturn, roomsd and the impaired link ahead of the browsers for the CPU (tests/browser/helpers/priority.mjs);
// BENCH_QUALITY_PRIORITY=0 leaves everyone equal.
const PRIORITY = process.env.BENCH_QUALITY_PRIORITY !== '0';
const SEED = Number(process.env.BENCH_QUALITY_SEED ?? 1);
const JSON_OUT = process.env.BENCH_QUALITY_JSON ?? path.join(ARTIFACTS_DIR, 'bench-quality.json');
const STRICT = process.env.BENCH_QUALITY_STRICT === '1';
const TRACE = process.env.BENCH_QUALITY_TRACE === '1';
const TURN_PORT = 34800;
const CONNECT_TIMEOUT_MS = 60000;
// For trying the harness: BENCH_QUALITY_SYSTEMS=direct runs without roomsd.
const SYSTEMS = (process.env.BENCH_QUALITY_SYSTEMS ?? 'rooms,direct').split(',');

const PROFILE_NAMES = (process.env.BENCH_QUALITY_PROFILES
  ?? 'loss1-40ms,loss3-40ms,loss5-40ms,loss10-40ms,burst3-40ms,jitter30-40ms,cap600k-40ms,cap300k-40ms,loss5-cap600k-40ms')
  .split(',').map((s) => s.trim()).filter(Boolean);
for (const n of PROFILE_NAMES) {
  if (!PROFILES[n]) {
    console.error(`unknown profile ${n}; known: ${Object.keys(PROFILES).join(', ')}`);
    process.exit(2);
  }
}
if (PHASES.length === 0 || PHASES.some((p) => p !== 'start' && p !== 'steady')) {
  console.error('BENCH_QUALITY_PHASES takes start, steady or both');
  process.exit(2);
}
if (!(WINDOW_MS >= 5000)) {
  console.error('BENCH_QUALITY_WINDOW must be at least 5 (seconds)');
  process.exit(2);
}

const log = (...a) => console.error(`[bench-quality ${new Date().toISOString().slice(11, 19)}]`, ...a);

// Serves direct.html only: the direct call's pages need an origin of their own on 127.0.0.1 (a secure
// context, so getUserMedia works).
async function startPageServer() {
  const html = fs.readFileSync(path.join(HERE, 'direct.html'));
  const srv = http.createServer((req, res) => {
    if (req.url === '/direct.html') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(html);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  const port = await freePort();
  await new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(port, '127.0.0.1', resolve);
  });
  return { url: `http://127.0.0.1:${port}/direct.html`, close: () => new Promise((r) => srv.close(r)) };
}

async function waitMedia(pages, what, pcExpr) {
  for (const [label, page] of Object.entries(pages)) {
    await waitUntil(async () => {
      const s = await qualitySnapshot(page, pcExpr);
      return s.video.framesDecoded > 0 && s.audio.packetsReceived > 0;
    }, { timeoutMs: CONNECT_TIMEOUT_MS, intervalMs: 500, message: `${what}: ${label} to receive video and audio` });
  }
}

async function closePages(pages) {
  for (const p of Object.values(pages)) {
    if (p) await withTimeout(p.context().close(), 10000, 'closing a context').catch(() => {});
  }
}

async function measure(env, pages, pcExpr, what) {
  const paths = {};
  for (const [label, page] of Object.entries(pages)) paths[label] = (await qualitySnapshot(page, pcExpr)).localCandidateType;
  if (paths.client !== 'relay' || paths.coach !== 'host') {
    throw new Error(`${what}: unexpected paths ${JSON.stringify(paths)} (the client must be relayed, the coach direct)`);
  }
  const phases = {};
  // Without the start's window, its time still passes: the steady window is the call's second.
  if (!PHASES.includes('start')) await sleep(WINDOW_MS);
  for (const phase of ['start', 'steady'].filter((p) => PHASES.includes(p))) {
    await env.link.resetCounters();
    const w = await withTimeout(measureWindow({ uplink: [pages.coach, pcExpr], downlink: [pages.client, pcExpr] }, WINDOW_MS),
      WINDOW_MS + 60000, `${what}: the ${phase} window`);
    phases[phase] = { uplink: w.uplink, downlink: w.downlink, senders: { client: w.senders.uplink, coach: w.senders.downlink }, link: await env.link.stats() };
  }
  return phases;
}

// roomsd's media counters (GET /metrics, rooms_media_*), so a rooms call records what the router did for it.
async function mediaCounters(server) {
  const res = await server.api('GET', '/metrics', { validate: false });
  const out = {};
  for (const m of res.text.matchAll(/^rooms_media_([a-z_]+) ([0-9.e+]+)$/gm)) out[m[1]] = Number(m[2]);
  return out;
}

async function roomsLeg(env, name) {
  const { res } = await env.server.createRoom({ aiOrb: { enabled: false } });
  const pages = {};
  try {
    pages.coach = await newParticipantPage(env.browser, onServer(env.server, res.json.connectionUrls.coach), { label: 'coach' });
    pages.client = await newParticipantPage(env.browser, onServer(env.server, res.json.connectionUrls.client, '&iceTransportPolicy=relay'), { label: 'client' });
    await waitMedia(pages, `rooms ${name}`, ROOM_PC);
    const before = await mediaCounters(env.server);
    const phases = await measure(env, pages, ROOM_PC, `rooms ${name}`);
    const after = await mediaCounters(env.server);
    // Over the whole call.
    return { phases, router: Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - (before[k] ?? 0)])) };
  } catch (e) {
    e.message += `\n--- coach ---\n${pageLog(pages.coach, 15)}\n--- client ---\n${pageLog(pages.client, 15)}\n--- roomsd ---\n${env.server.tail(20)}`;
    throw e;
  } finally {
    await closePages(pages);
  }
}

async function directLeg(env, name) {
  const pages = {};
  try {
    pages.coach = await newParticipantPage(env.browser, env.pages.url, { label: 'direct coach' });
    pages.client = await newParticipantPage(env.browser, env.pages.url, { label: 'direct client' });
    // The coach gathers host candidates only; the client relayed ones only, through the impaired link.
    await withTimeout(pages.coach.evaluate((c) => window.__direct.start(c), { iceServers: [] }), 15000, 'coach start');
    const turnServer = { urls: `turn:127.0.0.1:${env.link.port}?transport=udp`, ...env.turn.credentials() };
    await withTimeout(pages.client.evaluate((c) => window.__direct.start(c), { iceServers: [turnServer], iceTransportPolicy: 'relay' }), 15000, 'client start');
    // The client offers, as the room page does.
    const offer = await withTimeout(pages.client.evaluate(() => window.__direct.offer()), 20000, 'client offer');
    const answer = await withTimeout(pages.coach.evaluate((sdp) => window.__direct.answer(sdp), offer), 20000, 'coach answer');
    await withTimeout(pages.client.evaluate((sdp) => window.__direct.accept(sdp), answer), 10000, 'client accept');
    await waitMedia(pages, `direct ${name}`, DIRECT_PC);
    return { phases: await measure(env, pages, DIRECT_PC, `direct ${name}`) };
  } catch (e) {
    e.message += `\n--- coach ---\n${pageLog(pages.coach, 15)}\n--- client ---\n${pageLog(pages.client, 15)}\n--- coturn ---\n${env.turn.tail(10)}`;
    throw e;
  } finally {
    await closePages(pages);
  }
}

// ---- the goals and the table ----------------------------------------------------------------------

const GOALS = [
  { key: 'fps', label: 'fps', ok: (r, d) => r >= 0.95 * d, digits: 1, ratio: true },
  { key: 'freezes', label: 'freezes', ok: (r, d) => r <= d, digits: 0 },
  { key: 'freezeSeconds', label: 'frozen s', ok: (r, d) => r <= d, digits: 1 },
  { key: 'videoLossPct', label: 'video loss %', ok: (r, d) => r <= d + 0.5, digits: 2 },
  { key: 'audioConcealedPct', label: 'audio concealed %', ok: (r, d) => r <= d + 0.5, digits: 2 },
  { key: 'audioJitterBufferMs', label: 'audio jitter buffer ms', digits: 0, ratio: true },
];

function cell(g, r, d) {
  if (r === undefined || d === undefined) return 'n/a';
  let s = `${r.toFixed(g.digits)} / ${d.toFixed(g.digits)}`;
  if (g.ratio) s += ` (${d > 0 ? (r / d).toFixed(2) : '-'})`;
  if (g.ok) s += g.ok(r, d) ? ' ✓' : ' ✗';
  return s;
}

// One phase's table, and how many of its goals were met of how many (a leg that failed meets none).
function table(results, phase) {
  const head = ['profile', 'leg', ...GOALS.map((g) => `${g.label} rooms / direct`), 'goals met'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  const checks = GOALS.filter((g) => g.ok);
  let met = 0;
  let all = 0;
  for (const r of results) {
    for (const leg of ['uplink', 'downlink']) {
      const a = r.rooms?.phases?.[phase]?.[leg];
      const b = r.direct?.phases?.[phase]?.[leg];
      all += checks.length;
      if (!a || !b) {
        lines.push(`| ${r.profile} | ${leg} | ${GOALS.map(() => '').join(' | ')} | error: ${(r.error ?? '').split('\n')[0].slice(0, 120)} |`);
        continue;
      }
      const legMet = checks.filter((g) => g.ok(a[g.key], b[g.key])).length;
      met += legMet;
      lines.push(`| ${r.profile} | ${leg} | ${GOALS.map((g) => cell(g, a[g.key], b[g.key])).join(' | ')} | ${legMet}/${checks.length} |`);
    }
  }
  return { text: lines.join('\n'), met, all };
}

// ---- go -------------------------------------------------------------------------------------------

async function main() {
  const started = Date.now();
  const env = {};
  const results = [];
  try {
    env.turn = await startCoturn({ port: TURN_PORT, minPort: 49400, maxPort: 49499 });
    env.link = await startImpairedLink({ target: { port: env.turn.port }, seed: SEED, raisePriority: PRIORITY });
    if (SYSTEMS.includes('rooms')) env.server = await startRoomsd({
      env: { ROOMS_TURN_URLS: `turn:127.0.0.1:${env.link.port}?transport=udp`, ROOMS_TURN_SECRET: env.turn.secret },
      // debug: the media thread's transport_stats (estimates, loss) every 2 s, for reading a run afterwards
      logLevel: process.env.BENCH_QUALITY_LOG_LEVEL ?? 'info',
    });
    if (PRIORITY) {
      // The network and the server run on machines of their own in a real call (helpers/priority.mjs).
      const threads = raisePriority(env.turn.proc.pid) + (env.server ? raisePriority(env.server.proc.pid) : 0);
      log(`raised the priority of coturn${env.server ? ', roomsd' : ''} and the impaired link (${threads} threads)`);
    }
    env.pages = await startPageServer();
    env.browser = await launchChromium();
    log(`roomsd ${ROOMSD_BIN}, ${PROFILE_NAMES.length} profiles, windows ${PHASES.join(' and ')} of ${WINDOW_MS / 1000} s each`);
    for (const name of PROFILE_NAMES) {
      const entry = { profile: name, impairment: PROFILES[name] };
      results.push(entry);
      for (const [system, leg] of [['rooms', roomsLeg], ['direct', directLeg]]) {
        if (!SYSTEMS.includes(system)) continue;
        // Each call starts from the same link state (queue, Gilbert-Elliott chain, PRNG).
        await env.link.reset(PROFILES[name]);
        const t0 = Date.now();
        try {
          entry[system] = await leg(env, name);
          const router = entry[system].router;
          const routerLine = router
            ? `\n  router   ${['nacks_sent', 'packets_recovered', 'retransmissions_sent', 'retransmissions_refused', 'redundant_retransmissions', 'paced_packets', 'paced_expired', 'probe_packets', 'key_frames_for_loss']
              .map((k) => `${k} ${router[k] ?? 'n/a'}`).join(', ')}`
            : '';
          const figures = Object.entries(entry[system].phases).map(([phase, w]) =>
            `\n  ${phase.padEnd(6)} uplink   ${formatFigures(w.uplink)}\n  ${phase.padEnd(6)} downlink ${formatFigures(w.downlink)}`).join('');
          log(`${name} ${system} (${((Date.now() - t0) / 1000).toFixed(0)} s):${figures}${routerLine}`);
          if (TRACE) {
            // Per second; the coach's page receives the uplink and sends the downlink, the client's the reverse.
            for (const [phase, w] of Object.entries(entry[system].phases)) {
              log(`${name} ${system} ${phase} trace, the coach's page:\n${formatTrace(w.uplink.trace)}`);
              log(`${name} ${system} ${phase} trace, the client's page:\n${formatTrace(w.downlink.trace)}`);
            }
          }
        } catch (e) {
          entry.error = `${system}: ${e.message}`;
          log(`${name} ${system} failed: ${e.message}`);
        }
        await sleep(1000); // the last call's datagrams leave the link's queue
      }
    }
  } finally {
    await closeBrowser(env.browser);
    await env.pages?.close();
    await env.server?.close();
    if (env.server) {
      fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
      fs.writeFileSync(path.join(ARTIFACTS_DIR, 'bench-quality-roomsd.log'), env.server.log);
    }
    await env.link?.close();
    await env.turn?.close();
  }
  const out = {
    date: new Date().toISOString(),
    roomsd: ROOMSD_BIN,
    windowSeconds: WINDOW_MS / 1000,
    phases: PHASES,
    seed: SEED,
    durationSeconds: Math.round((Date.now() - started) / 1000),
    results,
  };
  fs.mkdirSync(path.dirname(JSON_OUT), { recursive: true });
  fs.writeFileSync(JSON_OUT, `${JSON.stringify(out, null, 2)}\n`);
  const TITLES = { start: "The call's start: its first", steady: 'Steady state: the call after its first' };
  let missed = false;
  const summary = [];
  for (const phase of PHASES) {
    console.log(`\n${TITLES[phase]} ${WINDOW_MS / 1000} s${phase === 'steady' ? `, for ${WINDOW_MS / 1000} s` : ''}\n`);
    const { text, met, all } = table(results, phase);
    console.log(text);
    missed = missed || met < all;
    summary.push(`${phase}: ${met} of ${all} goals met`);
  }
  console.log(`\n${summary.join('; ')}; ${results.filter((r) => r.error).length} profiles with errors; ` +
    `${out.durationSeconds} s; JSON in ${path.relative(REPO_ROOT, JSON_OUT)}`);
  if (results.some((r) => r.error)) process.exitCode = 1;
  else if (STRICT && missed) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
