// The fake OpenAI-compatible server the LLM and ASR tests rely on: each mode answers as documented, so a
// test that expects a fallback is not passing because the fake is broken.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { startFakeOpenAi } from './helpers/fake-openai.mjs';

let ai;
before(async () => { ai = await startFakeOpenAi({ delayMs: 400 }); });
after(async () => { await ai.close(); });

const chat = (body) => fetch(`${ai.url}/v1/chat/completions`, {
  method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer k' }, body: JSON.stringify(body),
});

test('ok: chat answers text or the summary object, transcription answers text', async () => {
  ai.setMode('ok');
  ai.setReplies({ chatReply: 'Keep going.', transcript: 'hello orb' });
  const text = await (await chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] })).json();
  assert.equal(text.choices[0].message.content, 'Keep going.');
  const json = await (await chat({ model: 'm', messages: [], response_format: { type: 'json_object' } })).json();
  const summary = JSON.parse(json.choices[0].message.content);
  assert.deepEqual(Object.keys(summary), ['textSummary', 'keyTopics', 'actionItems', 'sentiment']);

  const form = new FormData();
  form.append('file', new Blob([Buffer.from('RIFF0000WAVE')], { type: 'audio/wav' }), 'a.wav');
  form.append('model', 'whisper-1');
  form.append('language', 'en');
  const res = await fetch(`${ai.url}/v1/audio/transcriptions`, { method: 'POST', body: form });
  assert.deepEqual(await res.json(), { text: 'hello orb' });
  const last = ai.requests.at(-1);
  assert.equal(last.fields.model, 'whisper-1');
  assert.equal(last.file.filename, 'a.wav');
  assert.equal(last.file.contentType, 'audio/wav');
  assert.equal(ai.requests[0].headers.authorization, 'Bearer k');
});

test('slow answers after the delay', async () => {
  ai.setMode('slow');
  const start = Date.now();
  const res = await chat({ messages: [] });
  assert.equal(res.status, 200);
  assert.ok(Date.now() - start >= 350);
});

test('malformed, wrong-types and error modes', async () => {
  ai.setMode('malformed');
  const malformed = await chat({ messages: [] });
  assert.equal(malformed.status, 200);
  await assert.rejects(malformed.json(), SyntaxError);

  ai.setMode('wrong-types');
  const wrong = await (await chat({ messages: [], response_format: { type: 'json_object' } })).json();
  assert.equal(typeof JSON.parse(wrong.choices[0].message.content).textSummary, 'number');
  assert.equal((await (await chat({ messages: [] })).json()).choices[0].message.content, null);

  ai.setMode('error');
  assert.equal((await chat({ messages: [] })).status, 500);
  assert.throws(() => ai.setMode('nonsense'));
});
