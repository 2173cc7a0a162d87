// The impaired link's own thread (startImpairedLink in impaired-link.mjs starts it). Its timers must fire on
// time: in the test's main thread they waited behind puppeteer's work (a page starting, a getStats() to parse),
// and a relay that holds datagrams for 100-500 ms and then lets them go at once is a delay spike the browsers'
// estimators read as congestion, at the start of a call above all (bench-quality loss1 with warm-up 0: the
// client's send estimate fell from 1.7 Mbit/s to 0.3 in 4 of 5 calls).
import { parentPort, workerData } from 'node:worker_threads';

import { ImpairedLink } from './impaired-link.mjs';
import { raiseThisThreadsPriority } from './priority.mjs';

// raisePriority: see priority.mjs.
const { raisePriority, ...options } = workerData;
if (raisePriority) raiseThisThreadsPriority();
const link = new ImpairedLink(options);

const ops = {
  stats: () => link.stats(),
  setProfile: (arg) => link.setProfile(arg),
  reset: (arg) => link.reset(arg),
  resetCounters: () => link.resetCounters(),
  close: () => link.close(),
};

parentPort.on('message', async ({ id, op, arg }) => {
  try {
    const result = await ops[op](arg);
    parentPort.postMessage({ id, result: op === 'close' ? undefined : result });
  } catch (e) {
    parentPort.postMessage({ id, error: e.message });
  }
});

try {
  await link.listen();
  parentPort.postMessage({ ready: true, port: link.port });
} catch (e) {
  parentPort.postMessage({ ready: false, error: e.message });
}
