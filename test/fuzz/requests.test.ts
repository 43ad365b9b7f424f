/**
 * The control plane's request checks (src/local/daemon/requests.ts over the validators generated
 * from spec/rest/openapi.yml) under generated input: bodies made from each operation's own
 * schema and then broken (fields dropped, replaced by any JSON, wrong types, out-of-range
 * numbers, garbage text, other content types) and query strings of hostile values.
 *
 * Pure: checking never throws anything but a 400 (or 413) in E2B's words; what it accepts has
 * every required field and every declared field of its declared JSON type, judged by an oracle
 * that reads the spec itself rather than the generated validators.
 *
 * Live: the same requests to a real daemon get a 4xx or a success, never a 5xx; the daemon stays
 * healthy; and no sandbox or template appears, changes or goes away (the requests name sandboxes
 * and templates that do not exist, so what reaches a handler fails there, after the checks).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { OPERATIONS, type Operation } from '../../src/gen/api/operations.js';
import { ApiError } from '../../src/local/daemon/http.js';
import { checkParameters, findOperation, parseBody } from '../../src/local/daemon/requests.js';
import { startLocalBackend, type LocalBackend } from '../helpers/local-backend.js';
import { repoRoot } from '../helpers/paths.js';
import { hostileText } from './arbitraries.js';
import { fuzz } from './config.js';

// Parsed YAML of the spec: the oracle reads it by known OpenAPI paths.
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

const withBody = OPERATIONS.filter((op) => op.body);
const withQuery = OPERATIONS.filter((op) => op.parameters.some((p) => p.in === 'query'));

/** A parameter's schema, from the path's or the operation's parameter list. */
function paramSchema(op: Operation, name: string): Json {
  const item = spec.paths[op.path];
  const param = [...(item.parameters ?? []), ...(item[op.method.toLowerCase()].parameters ?? [])].map(resolve).find((p: Json) => p.name === name);
  return resolve(param.schema);
}

function bodySchema(op: Operation): Json {
  return resolve(resolve(spec.paths[op.path][op.method.toLowerCase()].requestBody).content['application/json'].schema);
}

/** JSON values in the shape of `schema`, to start from before breaking them. */
function shaped(schema: Json, depth = 0): fc.Arbitrary<Json> {
  const s = resolve(schema) ?? {};
  if (s.enum) return fc.constantFrom(...s.enum);
  switch (s.type) {
    case 'integer':
      return fc.integer({ min: s.minimum ?? -1000, max: s.maximum ?? 100_000 });
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'string':
      return s.format === 'date-time' ? fc.date({ noInvalidDate: true }).map((d) => d.toISOString()) : fc.string({ maxLength: 12 });
    case 'array':
      return depth > 3 ? fc.constant([]) : fc.array(shaped(s.items ?? {}, depth + 1), { maxLength: 3 });
  }
  if (depth > 3) return fc.constant({});
  const props = Object.entries<Json>(s.properties ?? {});
  const required = new Set<string>(s.required ?? []);
  const record: Record<string, fc.Arbitrary<Json>> = {};
  for (const [name, prop] of props) record[name] = shaped(prop, depth + 1);
  const base = fc.record(record, { requiredKeys: props.map(([name]) => name).filter((n) => required.has(n)) });
  if (s.additionalProperties && s.additionalProperties !== true && Object.keys(s.additionalProperties).length) {
    return fc.dictionary(fc.string({ maxLength: 6 }), shaped(s.additionalProperties, depth + 1), { maxKeys: 3 });
  }
  return base;
}

/** A body for `op`: well-shaped, then perhaps broken in one of the ways a caller breaks them. */
function bodyFor(op: Operation): fc.Arbitrary<{ text: string; contentType: string | undefined }> {
  const json = 'application/json';
  const good = shaped(bodySchema(op));
  const broken = good.chain((value) => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return fc.constant(value);
    const keys = Object.keys(value);
    return fc.oneof(
      fc.constant(value),
      keys.length ? fc.constantFrom(...keys).map((k) => ({ ...value, [k]: undefined })) : fc.constant(value),
      fc.tuple(keys.length ? fc.constantFrom(...keys) : fc.string(), fc.jsonValue({ maxDepth: 2 })).map(([k, v]) => ({ ...value, [k]: v })),
    );
  });
  return fc.oneof(
    { weight: 6, arbitrary: broken.map((v) => ({ text: JSON.stringify(v) ?? '', contentType: json })) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => ({ text: JSON.stringify(v), contentType: json })) },
    { weight: 1, arbitrary: hostileText().map((text) => ({ text, contentType: json })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          broken,
          fc.constantFrom(
            undefined,
            'text/plain',
            'application/x-www-form-urlencoded',
            'application/json; charset=utf-8',
            'APPLICATION/JSON',
            'application/jsonx',
          ),
        )
        .map(([v, ct]) => ({ text: JSON.stringify(v) ?? '', contentType: ct })),
    },
  );
}

/** The oracle: required fields are there and declared fields have their declared JSON type. */
function fitsSpec(value: Json, schema: Json): boolean {
  const s = resolve(schema) ?? {};
  if (value === null) return s.nullable === true;
  const kind = Array.isArray(value) ? 'array' : typeof value;
  switch (s.type) {
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'string':
    case 'boolean':
      return kind === s.type;
    case 'array':
      return kind === 'array' && value.every((item: Json) => fitsSpec(item, s.items ?? {}));
  }
  if (s.type === 'object' || s.properties) {
    if (kind !== 'object') return false;
    if ((s.required ?? []).some((name: string) => value[name] === undefined)) return false;
    return Object.entries<Json>(s.properties ?? {}).every(([name, prop]) => value[name] === undefined || fitsSpec(value[name], prop));
  }
  return true;
}

/** A refusal of the request checks: 400 (or 413) worded as E2B words validation errors. */
function isCleanRefusal(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    ((error.status === 400 && error.message.startsWith('validation error: error in openapi3filter.RequestError: ')) || error.status === 413)
  );
}

describe('request checks from the spec, pure', () => {
  it('bodies: refused cleanly, or accepted with every required field and every declared type', async () => {
    const cases = fc.constantFrom(...withBody).chain((op) => bodyFor(op).map((body) => ({ op, body })));
    await fuzz(
      fc.property(cases, ({ op, body }) => {
        let value: unknown;
        try {
          value = parseBody(op, Buffer.from(body.text), body.contentType);
        } catch (error) {
          expect(isCleanRefusal(error), String(error)).toBe(true);
          return;
        }
        if (value === undefined) expect(op.body!.required).toBe(false);
        else expect(fitsSpec(value, bodySchema(op))).toBe(true);
      }),
      { runs: 2000 },
    );
  });

  it('query strings: refused cleanly, or accepted with every value of its declared type and bounds', async () => {
    const value = fc.oneof(
      hostileText({ maxPieces: 4 }),
      fc.integer({ min: -5, max: 2000 }).map(String),
      fc.constantFrom('running', 'paused', 'asc', 'desc', 'info', 'forward', '2026-12-06T00:00:00Z', 'a,b', ''),
    );
    const cases = fc
      .constantFrom(...withQuery)
      .chain((op) =>
        fc
          .dictionary(fc.constantFrom(...op.parameters.filter((p) => p.in === 'query').map((p) => p.name), 'other'), value, { maxKeys: 4 })
          .map((query) => ({ op, query })),
      );
    await fuzz(
      fc.property(cases, ({ op, query }) => {
        const search = new URLSearchParams(query);
        let typed: Record<string, unknown>;
        try {
          typed = checkParameters(
            op,
            op.parameters.filter((p) => p.in === 'path').map(() => 'isandbox'),
            search,
          ).query;
        } catch (error) {
          expect(isCleanRefusal(error), String(error)).toBe(true);
          return;
        }
        for (const param of op.parameters.filter((p) => p.in === 'query')) {
          const schema = paramSchema(op, param.name);
          if (typed[param.name] === undefined) {
            expect(param.required).toBe(false);
            continue;
          }
          expect(fitsSpec(typed[param.name], schema), `${param.name}=${JSON.stringify(typed[param.name])}`).toBe(true);
          const n = typed[param.name];
          if (typeof n === 'number') {
            if (schema.minimum !== undefined) expect(n).toBeGreaterThanOrEqual(schema.minimum);
            if (schema.maximum !== undefined) expect(n).toBeLessThanOrEqual(schema.maximum);
          }
        }
      }),
      { runs: 2000 },
    );
  });

  it('paths: any method and path either finds one operation of the spec or is 404/405', async () => {
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS');
    const path = fc.oneof(
      fc.constantFrom(...OPERATIONS.map((op) => op.path.replace(/\{\w+\}/g, 'x1'))),
      hostileText({ maxPieces: 6 }).map((t) => `/${t}`),
    );
    await fuzz(
      fc.property(method, path, (m, p) => {
        const found = findOperation(m, p);
        if ('status' in found) expect([404, 405]).toContain(found.status);
        else {
          expect(found.op.method).toBe(m);
          expect(new RegExp(found.op.pattern).test(p)).toBe(true);
        }
      }),
      { runs: 2000 },
    );
  });
});

describe('request checks from the spec, on a real daemon', () => {
  let backend: LocalBackend;
  const snapshot = async () => {
    const get = async (path: string) => (await fetch(`${backend.url}${path}`, { headers: { 'X-API-Key': backend.apiKey } })).text();
    return `${await get('/v2/sandboxes?state=running,paused')}\n${await get('/templates')}`;
  };

  beforeAll(async () => {
    backend = await startLocalBackend();
  });
  afterAll(async () => {
    await backend?.dispose();
  });

  it('generated requests get a 4xx or a success, never a 5xx, and change nothing', async () => {
    const before = await snapshot();
    const cases = fc.constantFrom(...withBody, ...withQuery).chain((op) =>
      fc.record({
        op: fc.constant(op),
        body: op.body ? bodyFor(op) : fc.constant(undefined),
        query: fc.dictionary(fc.constantFrom('limit', 'state', 'order', 'cursor', 'level', 'sandbox_ids', 'startedAfter'), hostileText({ maxPieces: 3 }), {
          maxKeys: 3,
        }),
      }),
    );
    await fuzz(
      fc.asyncProperty(cases, async ({ op, body, query }) => {
        // sandboxes and templates that do not exist: whatever passes the checks fails in the handler
        const path = op.path.replace('{sandboxID}', 'inotthere000000000000').replace('{templateID}', 'notatemplate00000000');
        const search = new URLSearchParams(query).toString();
        let text = body?.text;
        if (text && (op.key === 'POST /sandboxes' || op.key === 'POST /v2/sandboxes')) {
          try {
            const parsed = JSON.parse(text);
            if (parsed && typeof parsed === 'object' && !Array.isArray(parsed) && 'templateID' in parsed)
              text = JSON.stringify({ ...parsed, templateID: 'no-such-template' });
          } catch {
            // not JSON: the check refuses it anyway
          }
        }
        const headers: Record<string, string> = { 'X-API-Key': backend.apiKey };
        if (body?.contentType) headers['content-type'] = body.contentType;
        const res = await fetch(`${backend.url}${path}${search ? `?${search}` : ''}`, {
          method: op.method,
          headers,
          ...(text !== undefined ? { body: text } : {}),
        });
        const answer = await res.text();
        expect(res.status, `${op.key} → ${res.status} ${answer}`).toBeLessThan(500);
        if (res.status >= 400) expect(JSON.parse(answer)).toMatchObject({ code: res.status });
      }),
      { runs: 150, hangMs: 20_000 },
    );
    expect(await snapshot()).toBe(before);
    expect((await fetch(`${backend.url}/health`)).status).toBe(204);
  });
});
