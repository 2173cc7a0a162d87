// Recordings (docs/api.md "Recordings"): the pure pieces of the client's recording calls, testable without a
// service: paths, the Range header, Content-Range and Content-Disposition parsing, the link lifetime check,
// and the places a download goes (a Buffer, a file written through a temporary file, or a stream).
import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';

/** POST .../link: expiresIn bounds (seconds) and default, as the service enforces them. */
export const LINK_EXPIRES_MIN = 60;
export const LINK_EXPIRES_MAX = 604800;
export const LINK_EXPIRES_DEFAULT = 3600;

export const RECORDING_EVENT_TYPES = Object.freeze(['recording-started', 'recording-ready']);

/** /api/rooms/{roomId}/recordings[/{recordingId}[/link]], each id URL-encoded. */
export function recordingsPath(roomId, recordingId, suffix = '') {
  if (typeof roomId !== 'string' || roomId === '') throw new TypeError('roomId must be a non-empty string');
  const base = `/api/rooms/${encodeURIComponent(roomId)}/recordings`;
  if (recordingId === undefined) return base;
  if (typeof recordingId !== 'string' || recordingId === '') throw new TypeError('recordingId must be a non-empty string');
  return `${base}/${encodeURIComponent(recordingId)}${suffix}`;
}

const isOffset = (v) => Number.isSafeInteger(v) && v >= 0;

/**
 * The Range header for {start, end?} (byte offsets, end inclusive as in HTTP): 'bytes=start-end' or
 * 'bytes=start-'; undefined for no range. Throws TypeError for anything else.
 */
export function formatRange(range) {
  if (range === undefined || range === null) return undefined;
  if (typeof range !== 'object') throw new TypeError('range must be {start, end?} (byte offsets, end inclusive)');
  const { start, end } = range;
  if (!isOffset(start)) throw new TypeError(`range.start must be an integer >= 0, not ${JSON.stringify(start)}`);
  if (end === undefined || end === null) return `bytes=${start}-`;
  if (!isOffset(end) || end < start) {
    throw new TypeError(`range.end must be an integer >= range.start (${start}), not ${JSON.stringify(end)}`);
  }
  return `bytes=${start}-${end}`;
}

/**
 * Content-Range of a 206 ('bytes 0-99/1234') as {start, end, size} (size null for '*'), or of a 416
 * ('bytes *\/1234') as {start: null, end: null, size}; null when absent or malformed.
 */
export function parseContentRange(value) {
  if (typeof value !== 'string') return null;
  const v = value.trim();
  let m = /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i.exec(v);
  if (m) {
    const start = Number(m[1]);
    const end = Number(m[2]);
    const size = m[3] === '*' ? null : Number(m[3]);
    if (end < start || (size !== null && end >= size)) return null;
    return { start, end, size };
  }
  m = /^bytes\s+\*\/(\d+)$/i.exec(v);
  if (m) return { start: null, end: null, size: Number(m[1]) };
  return null;
}

/** The file name of a Content-Disposition header (filename*=UTF-8'' wins over filename=), base name only. */
export function parseContentDisposition(value) {
  if (typeof value !== 'string') return null;
  let name = null;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(value);
  if (star) {
    try {
      name = decodeURIComponent(star[1].trim());
    } catch {
      name = null;
    }
  }
  if (name === null) {
    const quoted = /filename\s*=\s*"((?:[^"\\]|\\.)*)"/.exec(value);
    const bare = /filename\s*=\s*([^;\s"]+)/.exec(value);
    if (quoted) name = quoted[1].replace(/\\(.)/g, '$1');
    else if (bare) name = bare[1];
  }
  if (name === null) return null;
  // Never a path: the service names files <id>.<format>, but a name is only a name.
  const base = path.basename(name.replace(/\\/g, '/'));
  return base === '' || base === '.' || base === '..' ? null : base;
}

/** expiresIn for a signed link: undefined (the service's default, 3600) or an integer in [60, 604800]. */
export function checkExpiresIn(expiresIn) {
  if (expiresIn === undefined || expiresIn === null) return undefined;
  if (!Number.isSafeInteger(expiresIn)) throw new TypeError(`expiresIn must be whole seconds, not ${JSON.stringify(expiresIn)}`);
  if (expiresIn < LINK_EXPIRES_MIN || expiresIn > LINK_EXPIRES_MAX) {
    throw new RangeError(`expiresIn must be from ${LINK_EXPIRES_MIN} to ${LINK_EXPIRES_MAX} seconds (7 days), not ${expiresIn}`);
  }
  return expiresIn;
}

// ------------------------------------------------------------------------------------------------------
// Where a download's bytes go. write(chunk) resolves once the chunk may be reused (backpressure respected);
// finish() completes and returns what the caller gets; abort() undoes what can be undone. An error of the
// sink itself (a full disk, a closed stream) is marked sinkError so the download does not mistake it for
// the service failing.

const sinkError = (err) => Object.assign(err instanceof Error ? err : new Error(String(err)), { sinkError: true });

export class BufferSink {
  constructor() {
    this.chunks = [];
    this.length = 0;
  }

  async write(chunk) {
    this.chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    this.length += chunk.byteLength;
  }

  async finish() {
    return { body: Buffer.concat(this.chunks, this.length) };
  }

  async abort() {
    this.chunks = [];
  }
}

/**
 * A file written as <dir>/.<name>.<random>.part and renamed over the target only once complete, so a file
 * at the target is always a whole download (a failed one leaves the earlier file, if any, untouched).
 */
export class FileSink {
  static async open(target) {
    if (typeof target !== 'string' || target === '') throw new TypeError('to must be a file path or a writable stream');
    const abs = path.resolve(target);
    const tmp = path.join(path.dirname(abs), `.${path.basename(abs)}.${crypto.randomBytes(6).toString('hex')}.part`);
    const fh = await fsp.open(tmp, 'wx', 0o644).catch((e) => {
      throw sinkError(e);
    });
    return new FileSink(abs, tmp, fh);
  }

  constructor(target, tmp, fh) {
    this.target = target;
    this.tmp = tmp;
    this.fh = fh;
  }

  async write(chunk) {
    try {
      let off = 0;
      while (off < chunk.byteLength) {
        const { bytesWritten } = await this.fh.write(chunk, off, chunk.byteLength - off);
        off += bytesWritten;
      }
    } catch (e) {
      throw sinkError(e);
    }
  }

  async finish() {
    try {
      await this.fh.close();
      this.fh = null;
      await fsp.rename(this.tmp, this.target);
    } catch (e) {
      await this.abort();
      throw sinkError(e);
    }
    return { path: this.target };
  }

  async abort() {
    await this.fh?.close().catch(() => {});
    this.fh = null;
    await fsp.unlink(this.tmp).catch(() => {});
  }
}

/** A writable stream of the caller's (process.stdout, an upload): written with backpressure, never ended. */
export class StreamSink {
  constructor(stream) {
    if (!stream || typeof stream.write !== 'function' || typeof stream.once !== 'function') {
      throw new TypeError('to must be a file path or a writable stream');
    }
    this.stream = stream;
    this.error = null;
    this.onError = (e) => {
      this.error = e;
    };
    stream.on('error', this.onError);
  }

  async write(chunk) {
    if (this.error) throw sinkError(this.error);
    if (this.stream.destroyed || this.stream.writableEnded) throw sinkError(new Error('the stream to write to is closed'));
    if (this.stream.write(chunk)) return;
    await new Promise((resolve, reject) => {
      const done = (err) => {
        this.stream.off('drain', onDrain);
        this.stream.off('error', onErr);
        this.stream.off('close', onClose);
        if (err) reject(sinkError(err));
        else resolve();
      };
      const onDrain = () => done();
      const onErr = (e) => done(e);
      const onClose = () => done(new Error('the stream to write to closed'));
      this.stream.on('drain', onDrain);
      this.stream.on('error', onErr);
      this.stream.on('close', onClose);
    });
  }

  async finish() {
    this.stream.off('error', this.onError);
    if (this.error) throw sinkError(this.error);
    return {};
  }

  async abort() {
    this.stream.off('error', this.onError);
  }
}

export function openSink(to) {
  if (to === undefined || to === null) return new BufferSink();
  if (typeof to === 'string') return FileSink.open(to);
  return new StreamSink(to);
}

/**
 * Reads a fetch body chunk by chunk; a read that brings nothing for idleMs aborts the request (controller)
 * and throws a TimeoutError. Always releases the body (cancels it when left early).
 */
export async function* readBody(body, controller, idleMs) {
  const reader = body.getReader();
  let done = false;
  try {
    for (;;) {
      let timer;
      const idle = new Promise((_, reject) => {
        timer = setTimeout(() => {
          const e = new DOMException(`no data for ${idleMs} ms`, 'TimeoutError');
          controller.abort(e);
          reject(e);
        }, Math.max(1, idleMs));
      });
      let r;
      try {
        r = await Promise.race([reader.read(), idle]);
      } finally {
        clearTimeout(timer);
      }
      if (r.done) {
        done = true;
        return;
      }
      yield r.value;
    }
  } finally {
    if (!done) await reader.cancel().catch(() => {});
    try {
      reader.releaseLock();
    } catch {
      // already released
    }
  }
}
