// Reads recorded files back with Debian's ffmpeg/ffprobe: what streams and codecs they hold, how long they
// last, whether they decode cleanly, and when a picture flashes and a tone beeps (for A/V sync).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const opts = { maxBuffer: 64 * 1024 * 1024, timeout: 120000 };

export async function probe(file) {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries',
    'stream=codec_name,codec_type:format=duration', '-of', 'json', file], opts);
  const j = JSON.parse(stdout);
  return {
    duration: Number(j.format?.duration ?? NaN),
    streams: (j.streams ?? []).map((s) => ({ type: s.codec_type, codec: s.codec_name })),
  };
}

// ffmpeg -v error decoding every stream: the error lines (empty when it decodes cleanly). Frames keep their
// own timestamps, in the file's time base (-fps_mode passthrough, -enc_time_base -1): a recording's video is
// variable-rate, as the camera sent it, and ffmpeg's default output at the guessed frame rate complains
// when two frames land on one tick of it, which says nothing about the file.
export async function decodeErrors(file) {
  try {
    const { stderr } = await run('ffmpeg', ['-v', 'error', '-nostdin', '-i', file, '-fps_mode', 'passthrough', '-enc_time_base:v', '-1', '-f', 'null', '-'], opts);
    return stderr.trim();
  } catch (e) {
    return `${e.message}\n${e.stderr ?? ''}`.trim();
  }
}

const lavfiPath = (file) => file.replace(/\\/g, '\\\\').replace(/:/g, '\\:').replace(/'/g, "\\'");

// Times (s) at which the picture (or a crop of it: "w:h:x:y") turns bright.
export async function flashTimes(file, crop) {
  const chain = `movie='${lavfiPath(file)}'${crop ? `,crop=${crop}` : ''},signalstats`;
  const { stdout } = await run('ffprobe', ['-v', 'error', '-f', 'lavfi', '-i', chain, '-show_entries',
    'frame=pts_time:frame_tags=lavfi.signalstats.YAVG', '-of', 'csv=p=0'], opts);
  const frames = stdout.trim().split('\n').map((l) => l.split(',').map(Number)).filter(([t, y]) => Number.isFinite(t) && Number.isFinite(y));
  return onsets(frames, 128);
}

// The median brightness (Y, 16 is black) of the picture or a crop of it over the whole file.
export async function medianLuma(file, crop) {
  const chain = `movie='${lavfiPath(file)}'${crop ? `,crop=${crop}` : ''},signalstats`;
  const { stdout } = await run('ffprobe', ['-v', 'error', '-f', 'lavfi', '-i', chain, '-show_entries',
    'frame_tags=lavfi.signalstats.YAVG', '-of', 'csv=p=0'], opts);
  const ys = stdout.trim().split('\n').filter((l) => l.trim() !== '').map(Number).filter(Number.isFinite).sort((a, b) => a - b);
  return ys.length ? ys[Math.floor(ys.length / 2)] : NaN;
}

// Times (s) at which the sound turns loud (5 ms windows).
export async function beepTimes(file) {
  const chain = `amovie='${lavfiPath(file)}',aformat=channel_layouts=mono,asetnsamples=n=240:p=0,astats=metadata=1:reset=1`;
  const { stdout } = await run('ffprobe', ['-v', 'error', '-f', 'lavfi', '-i', chain, '-show_entries',
    'frame=pts_time:frame_tags=lavfi.astats.Overall.RMS_level', '-of', 'csv=p=0'], opts);
  const frames = stdout.trim().split('\n').map((l) => l.split(',')).map(([t, v]) => [Number(t), v === '-inf' ? -200 : Number(v)])
    .filter(([t, v]) => Number.isFinite(t) && Number.isFinite(v));
  return onsets(frames, -30);
}

// Rising edges of a [time, value] series past threshold, at least 0.5 s apart.
function onsets(series, threshold) {
  const out = [];
  let above = false;
  for (const [t, v] of series) {
    if (!above && v > threshold && (out.length === 0 || t - out[out.length - 1] > 0.5)) out.push(t);
    above = v > threshold;
  }
  return out;
}

// For each flash, the nearest beep within half a second: beep minus flash, in ms.
export function syncOffsets(flashes, beeps) {
  const out = [];
  for (const f of flashes) {
    let best = null;
    for (const b of beeps) if (best === null || Math.abs(b - f) < Math.abs(best - f)) best = b;
    if (best !== null && Math.abs(best - f) < 0.5) out.push(Math.round((best - f) * 1000));
  }
  return out;
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};
