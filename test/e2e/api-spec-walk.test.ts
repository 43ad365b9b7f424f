/**
 * Every operation of spec/rest/openapi.yml against the local backend: one valid request, answered
 * with a status the spec lists, and invalid ones made from the operation's own schemas (a required
 * field left out, each field of the wrong type, each bound crossed, each enum missed, a body that
 * is not JSON or not declared JSON, each query parameter out of its type or range), each refused
 * with 400 in E2B's words naming what is wrong, and none changing anything the API shows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { OPERATIONS, type Operation } from '../../src/gen/api/operations.js';
import { repoRoot } from '../helpers/paths.js';
import { startLocalBackend, type LocalBackend } from '../helpers/local-backend.js';

// Parsed YAML; the walk reads it by known OpenAPI paths.
// biome-ignore lint/suspicious/noExplicitAny: parsed YAML, read by known OpenAPI paths
type Json = any;
const spec: Json = parse(readFileSync(join(repoRoot, 'spec/rest/openapi.yml'), 'utf8'));

function resolve(node: Json): Json {
  let current = node;
  while (current?.$ref)
    current = current.$ref
      .slice(2)
      .split('/')
      .reduce((at: Json, key: string) => at?.[key], spec);
  return current;
}

let backend: LocalBackend;
/** A sandbox every operation on `{sandboxID}` uses, and a snapshot for `{templateID}`. */
let sandboxId: string;
let snapshotId: string;

interface Sent {
  status: number;
  body: Json;
}

async function send(method: string, path: string, opts: { body?: string; contentType?: string | null } = {}): Promise<Sent> {
  const headers: Record<string, string> = { 'X-API-Key': backend.apiKey };
  if (opts.body !== undefined && opts.contentType !== null) headers['content-type'] = opts.contentType ?? 'application/json';
  const res = await fetch(`${backend.url}${path}`, { method, headers, ...(opts.body !== undefined ? { body: opts.body } : {}) });
  const text = await res.text();
  let body: Json = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: res.status, body };
}

/** What the API shows of its state: everything an invalid request must leave as it was. */
async function state(): Promise<string> {
  const sandboxes = await send('GET', '/v2/sandboxes?state=running,paused');
  const templates = await send('GET', '/templates');
  const detail = await send('GET', `/sandboxes/${sandboxId}`);
  const volumes = await send('GET', '/volumes');
  return JSON.stringify({
    volumes: (volumes.body as Json[]).map((v) => [v.volumeID, v.name]).sort(),
    sandboxes: (sandboxes.body as Json[]).map((s) => [s.sandboxID, s.state, s.endAt, s.metadata]).sort(),
    templates: (templates.body as Json[]).map((t) => [t.templateID, t.names]).sort(),
    detail: [detail.body.state, detail.body.endAt, detail.body.network, detail.body.allowInternetAccess],
  });
}

/** The one valid request of each operation (paths with the shared sandbox and snapshot). */
const VALID: Record<string, () => { path: string; body?: Json }> = {
  'GET /health': () => ({ path: '/health' }),
  'POST /sandboxes': () => ({ path: '/sandboxes', body: { templateID: 'base', timeout: 60, metadata: { walk: 'v1' } } }),
  'POST /v2/sandboxes': () => ({ path: '/v2/sandboxes', body: { templateID: 'base', timeout: 60, metadata: { walk: 'v2' } } }),
  'GET /sandboxes': () => ({ path: '/sandboxes' }),
  'GET /v2/sandboxes': () => ({ path: '/v2/sandboxes?state=running&order=asc&limit=5' }),
  'GET /sandboxes/metrics': () => ({ path: `/sandboxes/metrics?sandbox_ids=${sandboxId}` }),
  'GET /sandboxes/{sandboxID}': () => ({ path: `/sandboxes/${sandboxId}` }),
  'DELETE /sandboxes/{sandboxID}': () => ({ path: '/sandboxes/inotthere000000000000' }),
  'GET /sandboxes/{sandboxID}/logs': () => ({ path: `/sandboxes/${sandboxId}/logs?limit=5` }),
  'GET /v2/sandboxes/{sandboxID}/logs': () => ({ path: `/v2/sandboxes/${sandboxId}/logs?direction=backward&level=info&limit=5` }),
  'GET /sandboxes/{sandboxID}/metrics': () => ({ path: `/sandboxes/${sandboxId}/metrics` }),
  'POST /sandboxes/{sandboxID}/pause': () => ({ path: '/sandboxes/inotthere000000000000/pause', body: { memory: true } }),
  'POST /sandboxes/{sandboxID}/resume': () => ({ path: '/sandboxes/inotthere000000000000/resume', body: { timeout: 60 } }),
  'POST /sandboxes/{sandboxID}/connect': () => ({ path: `/sandboxes/${sandboxId}/connect`, body: { timeout: 60 } }),
  'POST /v2/sandboxes/{sandboxID}/connect': () => ({ path: `/v2/sandboxes/${sandboxId}/connect`, body: { timeout: 60 } }),
  'POST /sandboxes/{sandboxID}/timeout': () => ({ path: `/sandboxes/${sandboxId}/timeout`, body: { timeout: 3600 } }),
  'PUT /sandboxes/{sandboxID}/network': () => ({ path: '/sandboxes/inotthere000000000000/network', body: { allowOut: ['1.1.1.1'] } }),
  'POST /sandboxes/{sandboxID}/refreshes': () => ({ path: `/sandboxes/${sandboxId}/refreshes`, body: { duration: 60 } }),
  'POST /sandboxes/{sandboxID}/fork': () => ({ path: '/sandboxes/inotthere000000000000/fork', body: { count: 1 } }),
  'POST /sandboxes/{sandboxID}/snapshots': () => ({ path: '/sandboxes/inotthere000000000000/snapshots', body: { name: 'walk' } }),
  'GET /snapshots': () => ({ path: `/snapshots?sandboxID=${sandboxId}&limit=10` }),
  'GET /templates': () => ({ path: '/templates' }),
  'DELETE /templates/{templateID}': () => ({ path: '/templates/notatemplate00000000' }),
  'GET /volumes': () => ({ path: '/volumes' }),
  'POST /volumes': () => ({ path: '/volumes', body: { name: 'walk-volume' } }),
  'GET /volumes/{volumeID}': () => ({ path: '/volumes/vol_notthere' }),
  'DELETE /volumes/{volumeID}': () => ({ path: '/volumes/vol_notthere' }),
};

/** A value of another JSON type than `schema` wants. */
function wrongType(schema: Json): Json {
  switch (schema.type) {
    case 'integer':
    case 'number':
      return 'seven';
    case 'boolean':
      return 'yes';
    case 'array':
      return { not: 'an array' };
    case 'object':
      return ['not', 'an', 'object'];
    default:
      return 12345;
  }
}

interface Invalid {
  what: string;
  path: string;
  body?: string;
  contentType?: string | null;
  /** A part of E2B's message that names what is wrong. */
  names: string;
}

/** Invalid requests of an operation, each one thing wrong in an otherwise valid request. */
function invalidRequests(op: Operation): Invalid[] {
  const valid = VALID[op.key]();
  const out: Invalid[] = [];
  const [pathOnly, search = ''] = valid.path.split('?');
  for (const param of op.parameters.filter((p) => p.in === 'query')) {
    const schema = resolve(findParam(op, param.name).schema);
    const withParam = (value: string) => {
      const q = new URLSearchParams(search);
      q.set(param.name, value);
      return `${pathOnly}?${q.toString()}`;
    };
    const base = { names: `parameter "${param.name}" in query has an error` };
    if (schema.type === 'integer') out.push({ ...base, what: `${param.name} not an integer`, path: withParam('twelve') });
    if (schema.maximum !== undefined) out.push({ ...base, what: `${param.name} above its maximum`, path: withParam(String(schema.maximum + 1)) });
    if (schema.minimum !== undefined) out.push({ ...base, what: `${param.name} below its minimum`, path: withParam(String(schema.minimum - 1)) });
    const enumOf = resolve(schema.items ?? schema)?.enum;
    if (enumOf) out.push({ ...base, what: `${param.name} outside its enum`, path: withParam('not-a-member') });
    if (schema.format === 'date-time') out.push({ ...base, what: `${param.name} not a date-time`, path: withParam('yesterday') });
    if (schema.maxLength !== undefined) out.push({ ...base, what: `${param.name} too long`, path: withParam('x'.repeat(schema.maxLength + 1)) });
    if (schema.maxItems !== undefined)
      out.push({ ...base, what: `${param.name} too many items`, path: withParam(Array.from({ length: schema.maxItems + 1 }, (_, i) => `i${i}`).join(',')) });
    if (param.required) {
      const q = new URLSearchParams(search);
      q.delete(param.name);
      out.push({ ...base, what: `${param.name} missing`, path: q.size ? `${pathOnly}?${q.toString()}` : pathOnly });
    }
  }
  if (op.body && valid.body !== undefined) {
    const schema = resolve(resolve(findBody(op)));
    const bodyNames = 'request body has an error';
    out.push({ what: 'a body that is not JSON', path: valid.path, body: '{"templateID":', names: `${bodyNames}: failed to decode request body` });
    out.push({
      what: 'a JSON body declared as text',
      path: valid.path,
      body: JSON.stringify(valid.body),
      contentType: 'text/plain',
      names: `${bodyNames}: header Content-Type has unexpected value`,
    });
    out.push({ what: 'a body that is not an object', path: valid.path, body: '[1,2]', names: 'value must be an object' });
    for (const name of schema.required ?? []) {
      const body = { ...valid.body };
      delete body[name];
      out.push({ what: `without ${name}`, path: valid.path, body: JSON.stringify(body), names: `property "${name}" is missing` });
    }
    for (const [name, raw] of Object.entries<Json>(schema.properties ?? {})) {
      const prop = resolve(raw);
      if (prop.nullable) continue;
      out.push({
        what: `${name} of the wrong type`,
        path: valid.path,
        body: JSON.stringify({ ...valid.body, [name]: wrongType(prop) }),
        names: `Error at "/${name}"`,
      });
      if (prop.minimum !== undefined)
        out.push({
          what: `${name} below its minimum`,
          path: valid.path,
          body: JSON.stringify({ ...valid.body, [name]: prop.minimum - 1 }),
          names: `Error at "/${name}": number must be at least`,
        });
      if (prop.maximum !== undefined)
        out.push({
          what: `${name} above its maximum`,
          path: valid.path,
          body: JSON.stringify({ ...valid.body, [name]: prop.maximum + 1 }),
          names: `Error at "/${name}": number must be at most`,
        });
    }
  }
  return out;
}

function findParam(op: Operation, name: string): Json {
  const item = spec.paths[op.path];
  for (const raw of [...(item.parameters ?? []), ...(item[op.method.toLowerCase()].parameters ?? [])]) {
    const param = resolve(raw);
    if (param.name === name) return param;
  }
  throw new Error(`${op.key}: no parameter ${name}`);
}

function findBody(op: Operation): Json {
  return resolve(spec.paths[op.path][op.method.toLowerCase()].requestBody).content['application/json'].schema;
}

beforeAll(async () => {
  backend = await startLocalBackend();
  const created = await send('POST', '/sandboxes', { body: JSON.stringify({ templateID: 'base', timeout: 600, secure: true }) });
  sandboxId = created.body.sandboxID;
  const snapshot = await send('POST', `/sandboxes/${sandboxId}/snapshots`, { body: JSON.stringify({ name: 'spec-walk' }) });
  snapshotId = snapshot.body.snapshotID;
});
afterAll(async () => {
  await backend?.dispose();
});

describe('every operation of the spec, valid and invalid', () => {
  it('the walk has a valid request for every operation, and no other', () => {
    expect(Object.keys(VALID).sort()).toEqual(OPERATIONS.map((op) => op.key).sort());
    expect(snapshotId).toBeTruthy();
  });

  for (const op of OPERATIONS) {
    it(`${op.key}: valid → a status the spec lists; invalid → 400 naming the problem, nothing changed`, async () => {
      const valid = VALID[op.key]();
      const listed = Object.keys(spec.paths[op.path][op.method.toLowerCase()].responses).map(Number);
      // E2B's published spec leaves 404 out of some operations whose handlers (and SDKs) use it
      // for a missing object, such as deleting a template that is not there.
      if (op.parameters.some((p) => p.in === 'path')) listed.push(404);
      const ok = await send(op.method, valid.path, valid.body === undefined ? {} : { body: JSON.stringify(valid.body) });
      expect(listed, `${op.key} answered ${ok.status}: ${JSON.stringify(ok.body)}`).toContain(ok.status);
      expect(ok.status).toBeLessThan(500);

      const invalid = invalidRequests(op);
      const before = await state();
      for (const bad of invalid) {
        const res = await send(op.method, bad.path, {
          ...(bad.body !== undefined ? { body: bad.body } : {}),
          ...(bad.contentType !== undefined ? { contentType: bad.contentType } : {}),
        });
        expect(res.status, `${op.key} ${bad.what}: ${JSON.stringify(res.body)}`).toBe(400);
        expect(res.body, `${op.key} ${bad.what}`).toMatchObject({ code: 400 });
        expect(res.body.message, `${op.key} ${bad.what}`).toMatch(/^validation error: error in openapi3filter\.RequestError: /);
        expect(res.body.message, `${op.key} ${bad.what}`).toContain(bad.names);
      }
      expect(await state(), `${op.key}: an invalid request changed something`).toBe(before);
    });
  }

  it('the walk is not vacuous: every operation with a body gets several invalid requests', () => {
    for (const op of OPERATIONS.filter((o) => o.body)) expect(invalidRequests(op).length, op.key).toBeGreaterThanOrEqual(4);
    expect(OPERATIONS.reduce((sum, op) => sum + invalidRequests(op).length, 0)).toBeGreaterThan(60);
  });
});
