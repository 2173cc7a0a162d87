// A real HTTP server speaking the two OpenAI endpoints roomsd uses, for tests of the LLM and ASR clients:
//
//   const ai = await startFakeOpenAi({ mode: 'ok' });   // 127.0.0.1, a free port
//   ai.setReplies({ chatReply: 'Sure.', transcript: 'hello there', summary: { ... } });
//   ai.setMode('slow');                                  // ok | slow | malformed | wrong-types | error
//   ai.requests                                          // every request seen, parsed (see below)
//   await ai.close();
//
// Modes:
//   ok           POST /v1/chat/completions answers choices[0].message.content: the JSON of `summary` when the
//                request asked for response_format json_object, else `chatReply`. POST
//                /v1/audio/transcriptions answers {"text": transcript}.
//   slow         the same answers after `delayMs` (default 2000), longer than a client's timeout under test.
//   malformed    200 with a body that is not JSON.
//   wrong-types  200 with JSON of the wrong shape: a summary whose fields have the wrong types, a chat
//                message whose content is null, a transcription whose text is a number.
//   error        500 with an OpenAI-style error object.
//
// From another language, run it as a child process: `node fake-openai.mjs --port 0 --mode ok` prints its base
// URL as the first line on stdout and exits when stdin closes (so it never outlives its parent) or on
// SIGTERM. The same settings are then reachable over HTTP: POST /_fake/config with any of {mode, chatReply,
// transcript, summary, delayMs}; GET /_fake/requests for the requests seen; DELETE /_fake/requests clears them.
//
// A recorded request: {method, path, headers, json} for JSON bodies, {method, path, headers, fields, file}
// for multipart ones, where fields holds the text parts and file is {name, filename, contentType, size,
// headerHex} (headerHex: the first 44 bytes, a WAV header, in hex).
import http from 'node:http';
import { pathToFileURL } from 'node:url';

const DEFAULT_SUMMARY = {
  textSummary:
    'The coach and the client worked on setting boundaries at work. The client agreed to send the project plan ' +
    'to their manager by Friday. Action items: 1) Send the project plan to the manager by Friday.',
  keyTopics: ['boundaries at work', 'project plan', 'time management'],
  actionItems: ['Send the project plan to the manager by Friday'],
  sentiment: 'positive',
};

const MODES = new Set(['ok', 'slow', 'malformed', 'wrong-types', 'error']);

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

// The parts of a multipart/form-data body: text fields as strings, the file part described.
function parseMultipart(body, contentType) {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType || '');
  if (!m) return { fields: {}, file: null, error: 'no multipart boundary' };
  const delimiter = Buffer.from(`--${m[1] || m[2]}`);
  const fields = {};
  let file = null;
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    const partStart = at + delimiter.length;
    if (body.subarray(partStart, partStart + 2).toString() === '--') break;  // closing delimiter
    const next = body.indexOf(delimiter, partStart);
    if (next === -1) break;
    const part = body.subarray(partStart + 2, next - 2);  // without the CRLF after the delimiter and before the next
    const headerEnd = part.indexOf('\r\n\r\n');
    const headers = part.subarray(0, headerEnd).toString();
    const content = part.subarray(headerEnd + 4);
    const name = /name="([^"]*)"/i.exec(headers)?.[1];
    const filename = /filename="([^"]*)"/i.exec(headers)?.[1];
    const type = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1];
    if (filename !== undefined) {
      file = { name, filename, contentType: type, size: content.length,
               headerHex: content.subarray(0, 44).toString('hex') };
    } else if (name !== undefined) {
      fields[name] = content.toString();
    }
    at = next;
  }
  return { fields, file };
}

function send(res, status, body, contentType = 'application/json') {
  if (res.destroyed) return;  // the client gave up (a timeout under test)
  const data = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(data) });
  res.end(data);
}

function chatCompletion(content, model) {
  return {
    id: 'chatcmpl-fake', object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: model || 'fake',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
  };
}

export async function startFakeOpenAi({ mode = 'ok', port = 0, host = '127.0.0.1', delayMs = 2000,
  chatReply = 'You are making real progress. What is one step you will take this week?',
  transcript = 'hello from the fake transcription server', summary = DEFAULT_SUMMARY } = {}) {
  if (!MODES.has(mode)) throw new Error(`unknown fake-openai mode ${mode}`);
  const state = { mode, delayMs, chatReply, transcript, summary };
  const requests = [];
  const timers = new Set();

  const answer = (req, res, record) => {
    const isChat = record.path === '/v1/chat/completions';
    if (state.mode === 'error') {
      return send(res, 500, { error: { message: 'internal error (fake-openai error mode)', type: 'server_error' } });
    }
    if (state.mode === 'malformed') return send(res, 200, 'this is not JSON {', 'application/json');
    if (isChat) {
      const wantsJson = record.json?.response_format?.type === 'json_object';
      if (state.mode === 'wrong-types') {
        const content = wantsJson
          ? JSON.stringify({ textSummary: 42, keyTopics: 'not an array', actionItems: [1, 2], sentiment: 'great' })
          : null;
        return send(res, 200, chatCompletion(content, record.json?.model));
      }
      const content = wantsJson ? JSON.stringify(state.summary) : state.chatReply;
      return send(res, 200, chatCompletion(content, record.json?.model));
    }
    if (state.mode === 'wrong-types') return send(res, 200, { text: 42 });
    return send(res, 200, { text: state.transcript });
  };

  const server = http.createServer(async (req, res) => {
    const body = await readBody(req);
    const path = new URL(req.url, 'http://fake').pathname;
    if (path === '/_fake/config' && req.method === 'POST') {
      const update = JSON.parse(body.toString() || '{}');
      if (update.mode !== undefined && !MODES.has(update.mode)) return send(res, 400, { error: 'unknown mode' });
      Object.assign(state, update);
      return send(res, 200, state);
    }
    if (path === '/_fake/requests') {
      if (req.method === 'DELETE') requests.length = 0;
      return send(res, 200, requests);
    }
    const record = { method: req.method, path, headers: req.headers };
    const type = req.headers['content-type'] || '';
    if (type.startsWith('multipart/form-data')) {
      Object.assign(record, parseMultipart(body, type));
    } else if (body.length) {
      try {
        record.json = JSON.parse(body.toString());
      } catch {
        record.raw = body.toString();
      }
    }
    requests.push(record);
    const known = req.method === 'POST' && (path === '/v1/chat/completions' || path === '/v1/audio/transcriptions');
    if (!known) return send(res, 404, { error: { message: `no route ${req.method} ${path}` } });
    if (state.mode === 'slow') {
      const t = setTimeout(() => {
        timers.delete(t);
        // Answers as in ok mode once the delay has passed.
        const saved = state.mode;
        state.mode = 'ok';
        try { answer(req, res, record); } finally { state.mode = saved; }
      }, state.delayMs);
      timers.add(t);
      return undefined;
    }
    return answer(req, res, record);
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const url = `http://${host}:${server.address().port}`;
  return {
    url,
    requests,
    setMode(next) {
      if (!MODES.has(next)) throw new Error(`unknown fake-openai mode ${next}`);
      state.mode = next;
    },
    setReplies(replies) { Object.assign(state, replies); },
    close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

// Child-process use: prints the URL, serves until stdin closes or SIGTERM.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
  };
  const ai = await startFakeOpenAi({ mode: arg('mode', 'ok'), port: Number(arg('port', '0')),
                                     delayMs: Number(arg('delay-ms', '2000')) });
  process.stdout.write(`${ai.url}\n`);
  const stop = () => ai.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
}
