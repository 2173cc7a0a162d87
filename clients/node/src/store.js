// Where pending rooms wait while the service is down (graceful degradation). A store is any object with
//   async list()             -> [entry]   every pending entry
//   async put(entry)                      add or replace the entry with entry.roomId
//   async delete(roomId)                  remove it (no error when absent)
// An entry is {roomId, sessionId, request (the full create body, tokens included), createdAt, attempts,
// lastError}. Keep it durable (a file, Redis, a Prisma table): a main app restarted during an outage then
// still creates its rooms. The request holds participant tokens: store it where you would store them.
import fs from 'node:fs/promises';
import path from 'node:path';

export class MemoryPendingStore {
  constructor() {
    this.entries = new Map();
  }

  async list() {
    return [...this.entries.values()].map((e) => structuredClone(e));
  }

  async put(entry) {
    this.entries.set(entry.roomId, structuredClone(entry));
  }

  async delete(roomId) {
    this.entries.delete(roomId);
  }
}

/**
 * A JSON file, rewritten atomically (temporary file, fsync, rename) on every change and created with mode
 * 0600. Writes from one process are serialised; do not share one file between processes.
 */
export class FilePendingStore {
  constructor(file) {
    if (!file) throw new TypeError('FilePendingStore needs a file path');
    this.file = path.resolve(file);
    this.chain = Promise.resolve();
  }

  async #read() {
    let text;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (e) {
      if (e.code === 'ENOENT') return {};
      throw e;
    }
    if (text.trim() === '') return {};
    const parsed = JSON.parse(text);
    return parsed && typeof parsed === 'object' && parsed.rooms && typeof parsed.rooms === 'object' ? parsed.rooms : {};
  }

  async #write(rooms) {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    const handle = await fs.open(tmp, 'w', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify({ version: 1, rooms }, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, this.file);
  }

  // Runs fn after every earlier operation, so concurrent put/delete never lose each other's change.
  #serial(fn) {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => {});
    return next;
  }

  list() {
    return this.#serial(async () => Object.values(await this.#read()));
  }

  put(entry) {
    return this.#serial(async () => {
      const rooms = await this.#read();
      rooms[entry.roomId] = entry;
      await this.#write(rooms);
    });
  }

  delete(roomId) {
    return this.#serial(async () => {
      const rooms = await this.#read();
      if (!(roomId in rooms)) return;
      delete rooms[roomId];
      await this.#write(rooms);
    });
  }
}
