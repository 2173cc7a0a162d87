// Scheduling priority for the parts of a measured call that stand for the network and the server.
//
// In bench-quality and the impaired-link test everything shares this machine's two cores: two Chromium
// pages encoding and decoding 720p, coturn, the impaired link and roomsd. In a real call the browsers run
// on other machines than the TURN server, the network and the SFU. Here, when the browsers took both cores
// (a call's first seconds above all), the link's thread and coturn were not scheduled for 100-340 ms at a
// time and then let everything they held go at once: a delay spike on the "network" that no real link
// has, which the browsers' and the router's estimators read as congestion (bench/README.md). Raised
// priority gives them what their own machines would: the CPU whenever a datagram is waiting.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

// A nice value is not enough: with autogroup scheduling (Debian's default) nice only ranks threads within
// one session, and Chromium's processes are in sessions of their own. Round-robin real-time scheduling at a
// low real-time priority is above every normal thread; the kernel's real-time throttling (95% of each second)
// still leaves the rest of the machine its share should one of them spin.
const RT_PRIORITY = '10';

function setRealtime(tid) {
  execFileSync('chrt', ['-r', '-p', RT_PRIORITY, String(tid)], { stdio: 'ignore' });
}

// Every thread of process pid (on Linux scheduling is per thread; threads created later inherit their
// creator's). Returns how many threads were changed: 0 where the system refuses (no CAP_SYS_NICE), which
// leaves the run as it was, not broken.
export function raisePriority(pid) {
  let changed = 0;
  let tasks = [];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return 0;
  }
  for (const tid of tasks) {
    try {
      setRealtime(tid);
      changed += 1;
    } catch {
      // refused, or the thread has just exited
    }
  }
  return changed;
}

// The calling thread only (a worker thread's own: /proc/thread-self names it).
export function raiseThisThreadsPriority() {
  try {
    setRealtime(Number(fs.readlinkSync('/proc/thread-self').split('/').pop()));
    return true;
  } catch {
    return false;
  }
}
