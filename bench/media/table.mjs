// Prints the comparison table of `make bench` (Markdown) from the JSON that rooms-loadgen and srtp_floor wrote:
//   node bench/media/table.mjs rooms.json janus.json floor.json rooms-3.json janus-3.json rooms-cpu.json janus-cpu.json \
//     [rooms-loss.json janus-loss.json [rooms-workers.json rooms-cpu-workers.json [rooms-heavy-1.json rooms-heavy-N.json
//     [rooms-recording.json [floor-workers.json]]]]]
// CPU per forwarded packet is compared at the largest load both servers carried within the thresholds, so
// the two figures come from the same number of rooms and streams; where the fixed-load runs at that step
// (rooms-cpu.json, janus-cpu.json) are given, the figures are their median windows, else the ramp's step.
// floor.json may be several srtp_floor files joined by commas (compare.sh measures the floor before and after
// roomsd's windows); the floor's figure is then the median of all their windows.
import fs from 'node:fs';
import os from 'node:os';

const [roomsPath, janusPath, floorPath, rooms3Path, janus3Path, roomsCpuPath, janusCpuPath, roomsLossPath, janusLossPath,
  roomsWorkersPath, roomsCpuWorkersPath, roomsHeavyOnePath, roomsHeavyWorkersPath, roomsRecordingPath, floorWorkersPath] = process.argv.slice(2);
const rooms = JSON.parse(fs.readFileSync(roomsPath, 'utf8'));
const janus = JSON.parse(fs.readFileSync(janusPath, 'utf8'));
const floor = (() => {
  const runs = floorPath.split(',').map((p) => JSON.parse(fs.readFileSync(p, 'utf8')));
  if (runs.length === 1) return runs[0];
  const windows = runs.flatMap((r) => r.windows ?? []).sort((a, b) => a.cpuPerPacketUs - b.cpuPerPacketUs);
  const median = windows.length % 2
    ? windows[(windows.length - 1) / 2].cpuPerPacketUs
    : (windows[windows.length / 2 - 1].cpuPerPacketUs + windows[windows.length / 2].cpuPerPacketUs) / 2;
  return { ...runs[runs.length - 1], windows, cpuPerPacketUs: median, runs: runs.length };
})();
const firstStep = (p) => (p && fs.existsSync(p) ? JSON.parse(fs.readFileSync(p, 'utf8')).steps[0] : undefined);
const rooms3 = firstStep(rooms3Path);
const janus3 = firstStep(janus3Path);

const measured = (run) => run.steps.filter((s) => s.received !== undefined);
const passing = (run) => measured(run).filter((s) => s.withinThresholds);
const readIf = (p) => (p && fs.existsSync(p) ? JSON.parse(fs.readFileSync(p, 'utf8')) : undefined);
const roomsFixed = readIf(roomsCpuPath);
const janusFixed = readIf(janusCpuPath);
const roomsLoss = readIf(roomsLossPath);
const janusLoss = readIf(janusLossPath);
const roomsWorkers = readIf(roomsWorkersPath);
const roomsCpuWorkers = readIf(roomsCpuWorkersPath);
const roomsHeavyOne = readIf(roomsHeavyOnePath);
const roomsHeavyWorkers = readIf(roomsHeavyWorkersPath);
const roomsRecording = readIf(roomsRecordingPath);
// The SRTP floor at the same load on as many forwarder threads as the workers (srtp_floor --forwarders).
const floorWorkers = readIf(floorWorkersPath);
// The compared step: the one compare.sh measured at a fixed load, else the largest both ramps carried.
const common = measured(roomsFixed ?? { steps: [] })[0]?.rooms ?? passing(rooms)
  .map((s) => s.rooms)
  .filter((n) => passing(janus).some((j) => j.rooms === n))
  .sort((a, b) => b - a)[0];
// A step the ramp measured twice (over a threshold once) counts with its passing window.
const at = (run, n) => passing(run).filter((s) => s.rooms === n).pop() ?? measured(run).find((s) => s.rooms === n);
// The median window (by CPU per packet) of a fixed-load run at the compared step.
const medianWindow = (run) => {
  const windows = run ? measured(run) : [];
  return windows.length ? [...windows].sort((a, b) => a.cpuPerPacketUs - b.cpuPerPacketUs)[Math.floor(windows.length / 2)] : undefined;
};
const cap = (run) => run.capacity;

const fmt = (v, digits = 2) => (v === undefined || v === null || Number.isNaN(v) ? 'n/a' : v.toFixed(digits));
const ratio = (a, b) => (a && b ? (a / b).toFixed(2) : 'n/a');
const mib = (bytes) => (bytes === undefined ? undefined : bytes / 1048576);
const kib = (bytes) => (bytes === undefined ? undefined : bytes / 1024);

const rows = [];
const row = (what, r, j, rat, note = '') => rows.push(`| ${what} | ${r} | ${j} | ${rat} | ${note} |`);
const rc = medianWindow(roomsFixed) ?? at(rooms, common);
const jc = medianWindow(janusFixed) ?? at(janus, common);
const fixedWindows = roomsFixed ? measured(roomsFixed).length : 0;
const medianNote = fixedWindows > 1 ? `; median of ${fixedWindows} windows at a fixed ${common} rooms` : '';
row(`CPU per forwarded packet, us (at ${common ?? 'n/a'} rooms)`, fmt(rc?.cpuPerPacketUs, 3), fmt(jc?.cpuPerPacketUs, 3),
    ratio(rc?.cpuPerPacketUs, jc?.cpuPerPacketUs), `goal: rooms <= 0.5 x Janus${medianNote}`);
row('forwarded streams carried within thresholds', cap(rooms)?.forwardedStreams ?? 'none',
    cap(janus)?.forwardedStreams ?? 'none', ratio(cap(rooms)?.forwardedStreams, cap(janus)?.forwardedStreams),
    'the largest ramp step with loss < 0.5% and p99 < 5 ms');
row('server cores used there', fmt(cap(rooms)?.serverCores), fmt(cap(janus)?.serverCores), '', '');
row(`streams per core at ${common ?? 'n/a'} rooms (streams / cores used)`, fmt(rc?.streamsPerCore, 0),
    fmt(jc?.streamsPerCore, 0), ratio(rc?.streamsPerCore, jc?.streamsPerCore), 'goal: rooms >= 1000');
row('streams per core at the largest step (streams / cores used)', fmt(cap(rooms)?.streamsPerCore, 0), fmt(cap(janus)?.streamsPerCore, 0),
    ratio(cap(rooms)?.streamsPerCore, cap(janus)?.streamsPerCore), 'goal: rooms >= 1000');
row('loss at that step, %', fmt(cap(rooms)?.lossPercent, 3), fmt(cap(janus)?.lossPercent, 3), '', '');
row('latency p99 at that step, ms', fmt(cap(rooms)?.latencyP99Ms, 3), fmt(cap(janus)?.latencyP99Ms, 3),
    ratio(cap(rooms)?.latencyP99Ms, cap(janus)?.latencyP99Ms), 'goal: < 5 ms');
row(`memory per room, KiB (${rooms.participants} parties, at ${common ?? 'n/a'} rooms)`, fmt(kib(rc?.memoryPerRoomBytes), 0),
    fmt(kib(jc?.memoryPerRoomBytes), 0), ratio(rc?.memoryPerRoomBytes, jc?.memoryPerRoomBytes), 'goal: < 2048');
row(`memory per three-party room, KiB (at ${rooms3?.rooms ?? 'n/a'} rooms)`, fmt(kib(rooms3?.memoryPerRoomBytes), 0),
    fmt(kib(janus3?.memoryPerRoomBytes), 0), ratio(rooms3?.memoryPerRoomBytes, janus3?.memoryPerRoomBytes),
    'goal: < 2048; rooms: coach, client and the AI Orb; Janus: three publishers');
row('server RSS there, MiB', fmt(mib(rc?.serverRssBytes), 1), fmt(mib(jc?.serverRssBytes), 1), '', '');
row('floor: CPU per forwarded packet, us', fmt(floor.cpuPerPacketUs, 3), '', '',
    `recvmmsg + SRTP decrypt + ${floor.subscribers} x encrypt + sendmmsg` +
      (floor.windows ? `; median of ${floor.windows.length} windows` : '') +
      (floor.runs > 1 ? `, measured just before and just after roomsd's` : ''));
row('ratio to the floor', ratio(rc?.cpuPerPacketUs, floor.cpuPerPacketUs), ratio(jc?.cpuPerPacketUs, floor.cpuPerPacketUs),
    '', 'goal: rooms <= 2');
if (roomsLoss) {
  const rl = medianWindow(roomsLoss);
  const jl = medianWindow(janusLoss);
  const each = `${roomsLoss.sendLossPercent}% out, ${roomsLoss.receiveLossPercent}% in`;
  row(`CPU per forwarded packet with ${each} on every peer's link, us`, fmt(rl?.cpuPerPacketUs, 3),
      fmt(jl?.cpuPerPacketUs, 3), ratio(rl?.cpuPerPacketUs, jl?.cpuPerPacketUs),
      `the peers answer NACKs and NACK their video; median of ${measured(roomsLoss).length} windows`);
  row('that, over the loss-free figure', ratio(rl?.cpuPerPacketUs, rc?.cpuPerPacketUs),
      ratio(jl?.cpuPerPacketUs, jc?.cpuPerPacketUs), '', 'the cost of recovery per forwarded packet');
  row(`video loss left after recovery, % (${each})`, fmt(rl?.videoLossPercent, 3), fmt(jl?.videoLossPercent, 3), '',
      `video crosses two lossy legs (${fmt(100 * (1 - (1 - roomsLoss.sendLossPercent / 100) * (1 - roomsLoss.receiveLossPercent / 100)), 1)}% lost without recovery); ` +
      'audio is not NACKed');
  row('latency p99 there, ms', fmt(rl?.latencyP99Ms, 3), fmt(jl?.latencyP99Ms, 3), '', 'a repaired packet is late by the repair');
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`Machine: ${os.cpus().length} x ${cpu}, ${fmt(os.totalmem() / 2 ** 30, 0)} GiB, ${os.type()} ${os.release()}`);
console.log(`Load: ${rooms.participants} participants per room, each Opus-sized audio (50 pps) + VP8-shaped video at ` +
            `${rooms.videoBitrate / 1e6} Mbit/s, every stream forwarded to the other participants; loadgen and server share the machine.`);
console.log('');
console.log('| | rooms | Janus | rooms / Janus | |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(r);
console.log('');
// One roomsd with one media worker against the same roomsd with several (ROOMS_MEDIA_WORKERS), same load.
if (roomsWorkers) {
  const n = roomsWorkers.steps.find((s) => s.workers)?.workers ?? 'n/a';
  const wc = medianWindow(roomsCpuWorkers) ?? at(roomsWorkers, common);
  const wrows = [];
  const wrow = (what, one, many, rat, note = '') => wrows.push(`| ${what} | ${one} | ${many} | ${rat} | ${note} |`);
  wrow(`CPU per forwarded packet, us (at ${common ?? 'n/a'} rooms)`, fmt(rc?.cpuPerPacketUs, 3), fmt(wc?.cpuPerPacketUs, 3),
       ratio(wc?.cpuPerPacketUs, rc?.cpuPerPacketUs), `goal: within 10% of 1 worker's${medianNote}`);
  if (floorWorkers) {
    // The floor's own split: the same work per packet on one thread and on n, no SFU code. What roomsd's
    // workers cost beyond it is theirs; the rest is this machine's (wakeups, threads meeting on its cores).
    const fw = floorWorkers.cpuPerPacketUs;
    wrow(`SRTP floor per forwarded packet, us (same load, 1 thread / ${floorWorkers.forwarders} threads)`,
         fmt(floor.cpuPerPacketUs, 3), fmt(fw, 3), ratio(fw, floor.cpuPerPacketUs),
         'the split alone, measured in this run: the baseline for the ratio above');
    const own = wc?.cpuPerPacketUs && rc?.cpuPerPacketUs && fw && floor.cpuPerPacketUs
      ? (wc.cpuPerPacketUs / rc.cpuPerPacketUs) / (fw / floor.cpuPerPacketUs) : undefined;
    wrow('workers\' ratio over the floor\'s', '', '', fmt(own), 'what the workers add beyond the split itself');
  }
  wrow(`server cores used at ${common ?? 'n/a'} rooms`, fmt(rc?.serverCores), fmt(wc?.serverCores),
       ratio(wc?.serverCores, rc?.serverCores), '');
  wrow(`latency p99 at ${common ?? 'n/a'} rooms, ms`, fmt(rc?.latencyP99Ms, 3), fmt(wc?.latencyP99Ms, 3),
       ratio(wc?.latencyP99Ms, rc?.latencyP99Ms), '');
  const spread = (s) => (s?.roomsPerWorker?.length ? `${s.roomsPerWorker.join(' / ')} rooms; ` +
    `${s.workerPacketShare.map((p) => `${fmt(p, 0)}%`).join(' / ')} of the packets` : 'n/a');
  wrow(`rooms and packets per worker at ${common ?? 'n/a'} rooms`, 'all', spread(wc), '', 'goal: about half each');
  const h1 = medianWindow(roomsHeavyOne);
  const hn = medianWindow(roomsHeavyWorkers);
  if (h1 && hn) {
    const heavyNote = `median of ${measured(roomsHeavyWorkers).length} windows at a fixed ${h1.rooms} rooms, the largest step both ramps carried`;
    wrow(`CPU per forwarded packet, us (at ${h1.rooms} rooms)`, fmt(h1.cpuPerPacketUs, 3), fmt(hn.cpuPerPacketUs, 3),
         ratio(hn.cpuPerPacketUs, h1.cpuPerPacketUs), `goal: within 10% of 1 worker's; ${heavyNote}`);
    wrow(`server cores used at ${h1.rooms} rooms`, fmt(h1.serverCores), fmt(hn.serverCores), ratio(hn.serverCores, h1.serverCores), '');
    wrow(`latency p99 at ${h1.rooms} rooms, ms`, fmt(h1.latencyP99Ms, 3), fmt(hn.latencyP99Ms, 3),
         ratio(hn.latencyP99Ms, h1.latencyP99Ms), '');
    wrow(`rooms and packets per worker at ${h1.rooms} rooms`, 'all', spread(hn), '', 'goal: about half each');
  }
  wrow('forwarded streams carried within thresholds', cap(rooms)?.forwardedStreams ?? 'none',
       cap(roomsWorkers)?.forwardedStreams ?? 'none', ratio(cap(roomsWorkers)?.forwardedStreams, cap(rooms)?.forwardedStreams),
       'the largest ramp step with loss < 0.5% and p99 < 5 ms; the load generator shares the cores');
  wrow('server cores used there', fmt(cap(rooms)?.serverCores), fmt(cap(roomsWorkers)?.serverCores),
       ratio(cap(roomsWorkers)?.serverCores, cap(rooms)?.serverCores), '');
  wrow('streams per core there (streams / cores used)', fmt(cap(rooms)?.streamsPerCore, 0),
       fmt(cap(roomsWorkers)?.streamsPerCore, 0), ratio(cap(roomsWorkers)?.streamsPerCore, cap(rooms)?.streamsPerCore), '');
  wrow('rooms and packets per worker there', 'all', spread(cap(roomsWorkers)), '', '');
  console.log(`| media workers | 1 worker | ${n} workers | ${n} / 1 | |`);
  console.log('|---|---|---|---|---|');
  for (const r of wrows) console.log(r);
  console.log('');
}
// The same fixed load with every room recording every track (issue 15).
if (roomsRecording) {
  const rr = medianWindow(roomsRecording);
  const streams = rr ? rr.rooms * roomsRecording.participants * 2 : 0;  // each participant's audio and video
  console.log(`| recording (at ${rr?.rooms ?? 'n/a'} rooms, 1 worker) | without | every room recording | ratio | |`);
  console.log('|---|---|---|---|---|');
  console.log(`| CPU per forwarded packet, us | ${fmt(rc?.cpuPerPacketUs, 3)} | ${fmt(rr?.cpuPerPacketUs, 3)} | ` +
    `${ratio(rr?.cpuPerPacketUs, rc?.cpuPerPacketUs)} | goal: at most 1.15x; whole process, recorder threads included${medianNote} |`);
  const mediaOnly = rr && rr.received ? (rr.serverCpuSeconds - rr.recorderCores * rr.seconds) * 1e6 / rr.received : undefined;
  console.log(`| of that, outside the recorder threads, us | ${fmt(rc?.cpuPerPacketUs, 3)} | ${fmt(mediaOnly, 3)} | ` +
    `${ratio(mediaOnly, rc?.cpuPerPacketUs)} | the media thread's copy into the rings, and the rest |`);
  console.log(`| recorder threads, cores | 0 | ${fmt(rr?.recorderCores, 3)} | | ${streams} recorded streams |`);
  console.log(`| recorder CPU per recorded stream, % of a core | | ${fmt(streams ? 100 * rr.recorderCores / streams : undefined, 3)} | | audio 50 pps, video ${roomsRecording.videoBitrate / 1e6} Mbit/s |`);
  console.log(`| latency p99, ms | ${fmt(rc?.latencyP99Ms, 3)} | ${fmt(rr?.latencyP99Ms, 3)} | ${ratio(rr?.latencyP99Ms, rc?.latencyP99Ms)} | |`);
  console.log('');
}
const stepLine = (s) => `${s.rooms} rooms: ${s.forwardedStreams} streams, loss ${fmt(s.lossPercent, 3)}%, p99 ` +
  `${fmt(s.latencyP99Ms, 3)} ms, ${fmt(s.serverCores)} cores, ${fmt(s.cpuPerPacketUs, 3)} us/pkt`;
const ramps = [['rooms', rooms], ['Janus', janus]];
if (roomsWorkers) ramps.splice(1, 0, [`rooms (${roomsWorkers.steps.find((s) => s.workers)?.workers} workers)`, roomsWorkers]);
for (const [name, run] of ramps) {
  const last = run.steps[run.steps.length - 1];
  console.log(`${name} ramp stopped at: ${last.connectFailure ? `${last.rooms} rooms (did not connect: ${last.connectFailure})` : stepLine(last)}`);
}
