// Checks real responses against docs/openapi.yaml (OpenAPI 3.1, so its schemas are JSON Schema 2020-12).
//
//   expectValid('GET', '/api/rooms/{roomId}/status', 200, body)   // a documented operation and status
//   validateResponse('GET', '/api/rooms/123/status', res)          // finds the path template itself
//   expectSchema('EventFrame', frame)                              // one of components.schemas
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import YAML from 'yaml';

export const OPENAPI_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/openapi.yaml');
export const openapi = YAML.parse(fs.readFileSync(OPENAPI_PATH, 'utf8'));

const COMPONENTS_ID = 'https://rooms.invalid/openapi/components';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

// '#/components/schemas/X' -> an absolute ref into the components schema registered below.
function rewriteRefs(node) {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node && typeof node === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) {
        out[k] = `${COMPONENTS_ID}#/$defs/${v.slice('#/components/schemas/'.length)}`;
      } else {
        out[k] = rewriteRefs(v);
      }
    }
    return out;
  }
  return node;
}

export const ajv = new Ajv2020({ strict: true, strictTypes: false, strictRequired: false, allowUnionTypes: true, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: COMPONENTS_ID, $defs: rewriteRefs(openapi.components?.schemas ?? {}) });

const compiled = new Map();
function compile(key, schema) {
  let v = compiled.get(key);
  if (!v) {
    v = ajv.compile(rewriteRefs(schema));
    compiled.set(key, v);
  }
  return v;
}

function deref(obj) {
  let o = obj;
  for (let i = 0; o && o.$ref && i < 10; i++) {
    const parts = o.$ref.replace(/^#\//, '').split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    o = parts.reduce((acc, p) => acc?.[p], openapi);
    assert.ok(o, `unresolvable $ref ${obj.$ref} in docs/openapi.yaml`);
  }
  return o;
}

function describe(errors) {
  return ajv.errorsText(errors, { separator: '\n  ', dataVar: 'body' });
}

// Asserts that value is valid against components.schemas[name].
export function expectSchema(name, value) {
  assert.ok(openapi.components?.schemas?.[name], `docs/openapi.yaml has no components.schemas.${name}`);
  const v = compile(`schema:${name}`, { $ref: `#/components/schemas/${name}` });
  if (!v(value)) {
    assert.fail(`value does not match components.schemas.${name}:\n  ${describe(v.errors)}\nvalue: ${JSON.stringify(value)}`);
  }
}

// The documented response object of an operation for a status, or undefined.
export function documentedResponse(method, template, status) {
  const op = openapi.paths?.[template]?.[method.toLowerCase()];
  if (!op) return undefined;
  const r = op.responses?.[String(status)] ?? op.responses?.[`${String(status)[0]}XX`] ?? op.responses?.default;
  return r ? deref(r) : undefined;
}

// Asserts that (method, template) is documented with this status and that body matches its schema.
// body: the parsed JSON body, or the text for non-JSON answers.
export function expectValid(method, template, status, body, contentType) {
  const pathItem = openapi.paths?.[template];
  assert.ok(pathItem, `docs/openapi.yaml does not document the path ${template}`);
  const op = pathItem[method.toLowerCase()];
  assert.ok(op, `docs/openapi.yaml does not document ${method.toUpperCase()} ${template}`);
  const resp = documentedResponse(method, template, status);
  assert.ok(resp, `docs/openapi.yaml does not document status ${status} for ${method.toUpperCase()} ${template}` +
    ` (documented: ${Object.keys(op.responses ?? {}).join(', ')}); body: ${JSON.stringify(body)}`);
  const content = resp.content ?? {};
  const types = Object.keys(content);
  if (types.length === 0) {
    assert.ok(body === undefined || body === '' || body === null,
      `${method.toUpperCase()} ${template} ${status} is documented without a body but one came: ${JSON.stringify(body)}`);
    return;
  }
  if (contentType) {
    const base = contentType.split(';')[0].trim();
    assert.ok(types.includes(base),
      `${method.toUpperCase()} ${template} ${status}: content type ${contentType} is not documented (${types.join(', ')})`);
  }
  const mediaType = contentType ? contentType.split(';')[0].trim() : types[0];
  const schema = content[mediaType]?.schema;
  if (!schema) return;
  const v = compile(`${method}:${template}:${status}:${mediaType}`, schema);
  if (!v(body)) {
    assert.fail(`${method.toUpperCase()} ${template} ${status} does not match docs/openapi.yaml:\n  ` +
      `${describe(v.errors)}\nbody: ${JSON.stringify(body)}`);
  }
}

const templates = Object.keys(openapi.paths ?? {}).map((t) => {
  const names = [];
  const re = new RegExp(`^${t.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_, n) => {
    names.push(n);
    return '([^/]+)';
  })}$`);
  return { template: t, re, params: names.length };
}).sort((a, b) => a.params - b.params);

// The documented path template a concrete path belongs to, or undefined.
export function templateFor(concretePath) {
  const p = concretePath.split('?')[0];
  return templates.find((t) => t.re.test(p))?.template;
}

// Validates a response of the roomsd helper ({status, headers, text, json}) for a concrete request.
export function validateResponse(method, concretePath, res) {
  const m = method.toUpperCase();
  const template = templateFor(concretePath);
  const ct = res.headers['content-type'];
  const body = res.json !== undefined ? res.json : res.text;
  const documented = template && openapi.paths[template][m.toLowerCase()];
  if (!documented || m === 'OPTIONS') {
    // Unknown paths and methods (404/405) and CORS preflights: an error body must still be the error schema.
    if (res.status >= 400) {
      assert.match(ct ?? '', /application\/json/, `${m} ${concretePath} ${res.status} is not JSON`);
      expectSchema('ErrorResponse', res.json);
    } else if (m !== 'OPTIONS') {
      assert.fail(`${m} ${concretePath} answered ${res.status} but is not documented in docs/openapi.yaml`);
    }
    return;
  }
  expectValid(m, template, res.status, body, ct);
}

// Every operation of the document as [METHOD, template].
export function documentedOperations() {
  const out = [];
  for (const [t, item] of Object.entries(openapi.paths ?? {})) {
    for (const m of METHODS) if (item[m]) out.push([m.toUpperCase(), t]);
  }
  return out;
}
