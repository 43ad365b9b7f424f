/**
 * Control-plane requests checked against the project's spec (spec/rest/openapi.yml), the way
 * E2B's API checks them (kin-openapi behind oapi-codegen's middleware): the operation is found
 * by the table generated from the spec, every parameter and the JSON body are validated by the
 * validators generated from its schemas, and a refusal is a 400 worded as E2B words it
 * (`validation error: error in openapi3filter.RequestError: parameter "limit" in query has an
 * error: number must be at most 100`). Handlers receive values already of their spec types.
 */
import type { IncomingMessage } from 'node:http';
import { OPERATIONS, type Operation, type OperationParameter } from '../../gen/api/operations.js';
import * as generated from '../../gen/api/validate.js';
import { ApiError } from './http.js';

/** What ajv leaves in `errors` (only the fields the wording needs). */
interface SchemaProblem {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}
type Validator = ((data: unknown) => boolean) & { errors?: SchemaProblem[] | null };

const validators = generated as unknown as Record<string, Validator>;

/** Largest JSON body read, as E2B's API limits uploads to it (gin-contrib/size, 16 MiB). */
export const BODY_LIMIT = 16 << 20;

const PATTERNS = new Map(OPERATIONS.map((op) => [op, new RegExp(op.pattern)]));

/** The operation a method and raw path name, or why there is none (404, or 405 for a known path). */
export function findOperation(method: string, rawPath: string): { op: Operation; values: string[] } | { status: 404 | 405 } {
  let pathKnown = false;
  for (const [op, pattern] of PATTERNS) {
    const match = pattern.exec(rawPath);
    if (!match) continue;
    if (op.method !== method) {
      pathKnown = true;
      continue;
    }
    return { op, values: match.slice(1) };
  }
  return { status: pathKnown ? 405 : 404 };
}

const refusal = (message: string) => new ApiError(400, `validation error: error in openapi3filter.RequestError: ${message}`);

const ARTICLE: Record<string, string> = { integer: 'an integer', object: 'an object', array: 'an array' };

/** One ajv problem in the words kin-openapi uses (the validator E2B's API runs). */
export function describeProblem(problem: SchemaProblem): string {
  const at = (path: string) => (path ? `Error at "${path}": ` : '');
  const p = problem.params;
  switch (problem.keyword) {
    case 'type': {
      const type = String(p.type).split(',')[0];
      return `${at(problem.instancePath)}value must be ${ARTICLE[type] ?? `a ${type}`}`;
    }
    case 'required':
      return `${at(`${problem.instancePath}/${String(p.missingProperty)}`)}property "${String(p.missingProperty)}" is missing`;
    case 'minimum':
      return `${at(problem.instancePath)}number must be at least ${String(p.limit)}`;
    case 'maximum':
      return `${at(problem.instancePath)}number must be at most ${String(p.limit)}`;
    case 'enum':
      return `${at(problem.instancePath)}value is not one of the allowed values ${JSON.stringify(p.allowedValues)}`;
    case 'minLength':
      return `${at(problem.instancePath)}minimum string length is ${String(p.limit)}`;
    case 'maxLength':
      return `${at(problem.instancePath)}maximum string length is ${String(p.limit)}`;
    case 'minItems':
      return `${at(problem.instancePath)}minimum number of items is ${String(p.limit)}`;
    case 'maxItems':
      return `${at(problem.instancePath)}maximum number of items is ${String(p.limit)}`;
    case 'uniqueItems':
      return `${at(problem.instancePath)}duplicate items found`;
    case 'pattern':
      return `${at(problem.instancePath)}string doesn't match the regular expression "${String(p.pattern)}"`;
    case 'format':
      return `${at(problem.instancePath)}string doesn't match the format "${String(p.format)}"`;
    default:
      return `${at(problem.instancePath)}${problem.message ?? 'does not match the schema'}`;
  }
}

function check(validator: string, value: unknown): string | undefined {
  const validate = validators[validator];
  if (!validate) throw new Error(`no generated validator ${validator}: run \`npm run gen\``);
  if (validate(value)) return undefined;
  const problem = validate.errors?.[0];
  return problem ? describeProblem(problem) : 'does not match the schema';
}

/** A query string value as its spec type; undefined with a reason when it is not one. */
function convert(raw: string, type: string): { value: unknown } | { reason: string } {
  switch (type) {
    case 'integer':
      return /^[+-]?\d+$/.test(raw) ? { value: Number(raw) } : { reason: `value ${raw}: an invalid integer: invalid syntax` };
    case 'number':
      return raw.trim() !== '' && Number.isFinite(Number(raw)) ? { value: Number(raw) } : { reason: `value ${raw}: an invalid number: invalid syntax` };
    case 'boolean':
      return raw === 'true' || raw === 'false' ? { value: raw === 'true' } : { reason: `value ${raw}: an invalid boolean: invalid syntax` };
    default:
      return { value: raw };
  }
}

function queryValue(param: OperationParameter, query: URLSearchParams): { value: unknown } | { reason: string } | undefined {
  const all = query.getAll(param.name);
  if (all.length === 0) return undefined;
  if (param.type !== 'array') return convert(all[all.length - 1], param.type);
  // form style: `a=1,2` (explode false) or `a=1&a=2` (explode true)
  const raws = param.explode ? all : all.flatMap((v) => v.split(','));
  const items: unknown[] = [];
  for (const raw of raws) {
    const item = convert(raw, param.itemType ?? 'string');
    if ('reason' in item) return item;
    items.push(item.value);
  }
  return { value: items };
}

/** Checks path and query parameters; returns them typed. */
export function checkParameters(op: Operation, values: string[], query: URLSearchParams): { params: Record<string, string>; query: Record<string, unknown> } {
  const params: Record<string, string> = {};
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  pathParams.forEach((param, i) => {
    params[param.name] = decodeURIComponent(values[i]);
  });
  const typed: Record<string, unknown> = {};
  for (const param of op.parameters.filter((p) => p.in === 'query')) {
    const problem = (reason: string) => refusal(`parameter "${param.name}" in query has an error: ${reason}`);
    const got = queryValue(param, query);
    if (got === undefined) {
      if (param.required) throw problem('value is required but missing');
      continue;
    }
    if ('reason' in got) throw problem(got.reason);
    const wrong = check(param.validator, got.value);
    if (wrong) throw problem(wrong);
    typed[param.name] = got.value;
  }
  return { params, query: typed };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT) throw new ApiError(413, 'request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Reads and checks the JSON body an operation takes (any body sent to one that takes none is ignored). */
export async function checkBody(op: Operation, req: IncomingMessage): Promise<unknown> {
  const bytes = await readBody(req);
  return op.body ? parseBody(op, bytes, req.headers['content-type']) : undefined;
}

/** The body of a request to `op`, checked: JSON of the operation's schema, or an ApiError. */
export function parseBody(op: Operation, bytes: Buffer, contentType: string | undefined): unknown {
  if (!op.body) return undefined;
  const problem = (reason: string) => refusal(`request body has an error: ${reason}`);
  const text = bytes.toString('utf8');
  if (text.trim() === '') {
    if (op.body.required) throw problem('value is required but missing');
    return undefined;
  }
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') throw problem(`header Content-Type has unexpected value: ${JSON.stringify(contentType ?? '')}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw problem(`failed to decode request body: ${error instanceof Error ? error.message : 'invalid JSON'}`);
  }
  const wrong = check(op.body.validator, value);
  if (wrong) throw problem(`doesn't match schema: ${wrong}`);
  return value;
}
