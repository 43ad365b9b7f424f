// Checks that one OpenAPI 3.0 document (the project's subset) agrees with another (E2B's
// published API): everything the subset says must be said the same way by the reference.
// The subset may leave things out (optional fields, operations, statuses), never contradict.
// Every function returns a list of human-readable disagreements; [] means they agree.

// Parsed YAML of arbitrary shape; the checks below probe it defensively.
// biome-ignore lint/suspicious/noExplicitAny: parsed YAML of any shape, probed defensively
type Json = any;

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

/** Follows a local `$ref` (`#/a/b`) until it reaches an object that is not a reference. */
export function deref(doc: Json, node: Json): Json {
  let current = node;
  for (let hops = 0; current && typeof current === 'object' && typeof current.$ref === 'string'; hops++) {
    if (hops > 32) throw new Error(`$ref cycle at ${current.$ref}`);
    current = lookup(doc, current.$ref);
    if (current === undefined) return undefined;
  }
  return current;
}

function lookup(doc: Json, ref: string): Json {
  if (!ref.startsWith('#/')) return undefined;
  let node = doc;
  for (const raw of ref.slice(2).split('/')) {
    const part = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (node === null || typeof node !== 'object' || !(part in node)) return undefined;
    node = node[part];
  }
  return node;
}

/** Every `$ref` in `doc` that does not resolve inside `doc`. */
export function danglingRefs(doc: Json): string[] {
  const problems: string[] = [];
  const walk = (node: Json, at: string) => {
    if (Array.isArray(node)) {
      for (const [i, child] of node.entries()) walk(child, `${at}/${i}`);
    } else if (node && typeof node === 'object') {
      if (typeof node.$ref === 'string' && lookup(doc, node.$ref) === undefined) {
        problems.push(`${at}: $ref ${node.$ref} does not resolve`);
      }
      for (const [key, child] of Object.entries(node)) walk(child, `${at}/${key}`);
    }
  };
  walk(doc, '#');
  return problems;
}

// ---- schemas ---------------------------------------------------------------------------------

/** `type` with the implicit `object` of schemas that only list properties made explicit. */
function schemaType(s: Json): string | undefined {
  if (s.type !== undefined) return s.type;
  if (s.properties !== undefined || s.additionalProperties !== undefined) return 'object';
  return undefined;
}

/** `additionalProperties: true` and `{}` mean the same thing. */
function additional(s: Json): Json {
  return s.additionalProperties === true ? {} : s.additionalProperties;
}

const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v));

// Constraints compared only when the project states them (it may leave them out).
const STATED_IF_PRESENT = ['default', 'minimum', 'maximum', 'minLength', 'maxLength', 'maxItems', 'uniqueItems', 'pattern'];

/**
 * Compares a schema of the project (`mine`, in `myDoc`) with the reference one at the same
 * place. `$ref`s are compared by target, not followed: the named schemas are compared on
 * their own by {@link compareComponentSchemas}, so following them here would only repeat.
 */
export function compareSchema(myDoc: Json, mine: Json, refDoc: Json, theirs: Json, at: string): string[] {
  const out: string[] = [];
  if (mine === undefined) return out;
  if (theirs === undefined) return [`${at}: not in the reference`];

  if (mine.$ref !== undefined || theirs.$ref !== undefined) {
    if (mine.$ref !== theirs.$ref) out.push(`${at}: $ref ${show(mine.$ref)} vs reference ${show(theirs.$ref)}`);
    return out;
  }

  const pairs: [string, unknown, unknown][] = [
    ['type', schemaType(mine), schemaType(theirs)],
    ['format', mine.format, theirs.format],
    ['nullable', mine.nullable === true, theirs.nullable === true],
    ['enum', mine.enum && [...mine.enum].sort(), theirs.enum && [...theirs.enum].sort()],
  ];
  for (const key of STATED_IF_PRESENT) {
    if (key in mine) pairs.push([key, mine[key], theirs[key]]);
  }
  for (const [key, a, b] of pairs) {
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${at}: ${key} ${show(a)} vs reference ${show(b)}`);
  }

  if (mine.items !== undefined || theirs.items !== undefined) {
    out.push(...compareSchema(myDoc, mine.items ?? {}, refDoc, theirs.items, `${at}[]`));
  }

  const myExtra = additional(mine);
  const theirExtra = additional(theirs);
  if (typeof myExtra === 'object' && typeof theirExtra === 'object') {
    out.push(...compareSchema(myDoc, myExtra, refDoc, theirExtra, `${at}{*}`));
  } else if (show(myExtra) !== show(theirExtra)) {
    out.push(`${at}: additionalProperties ${show(myExtra)} vs reference ${show(theirExtra)}`);
  }

  const myAll: Json[] = mine.allOf ?? [];
  const theirAll: Json[] = theirs.allOf ?? [];
  if (myAll.length !== theirAll.length) {
    out.push(`${at}: allOf has ${myAll.length} parts vs reference ${theirAll.length}`);
  } else {
    myAll.forEach((part, i) => {
      out.push(...compareSchema(myDoc, part, refDoc, theirAll[i], `${at}.allOf[${i}]`));
    });
  }

  const myProps: Record<string, Json> = mine.properties ?? {};
  const theirProps: Record<string, Json> = theirs.properties ?? {};
  for (const [name, prop] of Object.entries(myProps)) {
    if (!(name in theirProps)) out.push(`${at}.${name}: property not in the reference`);
    else out.push(...compareSchema(myDoc, prop, refDoc, theirProps[name], `${at}.${name}`));
  }
  const myRequired = [...(mine.required ?? [])].sort();
  const theirRequired = [...(theirs.required ?? [])].sort();
  if (JSON.stringify(myRequired) !== JSON.stringify(theirRequired)) {
    out.push(`${at}: required ${show(myRequired)} vs reference ${show(theirRequired)}`);
  }
  for (const name of myRequired) {
    if (!(name in myProps) && schemaType(mine) === 'object') out.push(`${at}: required property ${name} is not described`);
  }
  return out;
}

/** Every schema in the project's components.schemas against the reference's same-named one. */
/**
 * Marks what E2B serves and its SDK uses but its published spec does not have yet: such
 * operations and schemas have no reference to agree with.
 */
export const UNPUBLISHED = 'x-e2b-ts-source';

export function compareComponentSchemas(mine: Json, theirs: Json): string[] {
  const out: string[] = [];
  const theirSchemas = theirs.components?.schemas ?? {};
  for (const [name, schema] of Object.entries<Json>(mine.components?.schemas ?? {})) {
    if (schema?.[UNPUBLISHED] !== undefined) continue;
    if (!(name in theirSchemas)) out.push(`schema ${name}: not in the reference`);
    else out.push(...compareSchema(mine, schema, theirs, theirSchemas[name], `schema ${name}`));
  }
  return out;
}

// ---- operations ------------------------------------------------------------------------------

export interface OperationRef {
  path: string;
  method: string;
}

export function operations(doc: Json): OperationRef[] {
  const ops: OperationRef[] = [];
  for (const [p, item] of Object.entries<Json>(doc.paths ?? {})) {
    for (const method of METHODS) if (item[method] !== undefined) ops.push({ path: p, method });
  }
  return ops;
}

/** Path-level and operation-level parameters, resolved, keyed by `in:name`. */
function parameters(doc: Json, op: OperationRef): Map<string, Json> {
  const item = doc.paths[op.path];
  const params = new Map<string, Json>();
  for (const raw of [...(item.parameters ?? []), ...(item[op.method].parameters ?? [])]) {
    const param = deref(doc, raw);
    params.set(`${param.in}:${param.name}`, param); // operation-level wins, as in OpenAPI
  }
  return params;
}

/** style/explode with the OpenAPI defaults filled in, so omitted and explicit defaults compare equal. */
function serialization(param: Json): string {
  const style = param.style ?? (param.in === 'query' || param.in === 'cookie' ? 'form' : 'simple');
  const explode = param.explode ?? style === 'form';
  return `style=${style} explode=${explode}`;
}

function jsonSchemaOf(doc: Json, node: Json): Json {
  return deref(doc, node)?.content?.['application/json']?.schema;
}

/** One of the project's operations against the reference's operation at the same path+method. */
export function compareOperation(mine: Json, theirs: Json, op: OperationRef): string[] {
  if (mine.paths[op.path][op.method][UNPUBLISHED] !== undefined) return [];
  const at = `${op.method.toUpperCase()} ${op.path}`;
  const theirItem = theirs.paths?.[op.path];
  if (theirItem?.[op.method] === undefined) return [`${at}: operation not in the reference`];
  const myOp = mine.paths[op.path][op.method];
  const theirOp = theirItem[op.method];
  const out: string[] = [];

  const myParams = parameters(mine, op);
  const theirParams = parameters(theirs, op);
  for (const [key, param] of myParams) {
    const other = theirParams.get(key);
    if (other === undefined) {
      out.push(`${at}: parameter ${key} not in the reference`);
      continue;
    }
    if ((param.required === true) !== (other.required === true)) {
      out.push(`${at}: parameter ${key} required=${param.required === true} vs reference ${other.required === true}`);
    }
    if (serialization(param) !== serialization(other)) {
      out.push(`${at}: parameter ${key} ${serialization(param)} vs reference ${serialization(other)}`);
    }
    out.push(...compareSchema(mine, param.schema, theirs, other.schema, `${at} parameter ${key}`));
  }
  for (const [key, other] of theirParams) {
    if (other.required === true && !myParams.has(key)) out.push(`${at}: required parameter ${key} is missing`);
  }

  if (myOp.requestBody !== undefined) {
    const myBody = deref(mine, myOp.requestBody);
    const theirBody = deref(theirs, theirOp.requestBody);
    if (theirBody === undefined) {
      out.push(`${at}: request body not in the reference`);
    } else {
      if ((myBody.required === true) !== (theirBody.required === true)) {
        out.push(`${at}: request body required=${myBody.required === true} vs reference ${theirBody.required === true}`);
      }
      out.push(...compareSchema(mine, jsonSchemaOf(mine, myBody), theirs, jsonSchemaOf(theirs, theirBody), `${at} request body`));
    }
  }

  for (const [status, rawResponse] of Object.entries<Json>(myOp.responses ?? {})) {
    const theirRaw = theirOp.responses?.[status];
    if (theirRaw === undefined) {
      out.push(`${at}: status ${status} not in the reference`);
      continue;
    }
    const myResponse = deref(mine, rawResponse);
    const theirResponse = deref(theirs, theirRaw);
    const mySchema = jsonSchemaOf(mine, myResponse);
    const theirSchema = jsonSchemaOf(theirs, theirResponse);
    if ((mySchema === undefined) !== (theirSchema === undefined)) {
      out.push(`${at} ${status}: JSON body ${mySchema ? 'described' : 'absent'} vs reference ${theirSchema ? 'described' : 'absent'}`);
    } else {
      out.push(...compareSchema(mine, mySchema, theirs, theirSchema, `${at} ${status} body`));
    }
    // Header names are case-insensitive on the wire.
    const theirHeaders = new Map(Object.entries<Json>(theirResponse.headers ?? {}).map(([name, h]) => [name.toLowerCase(), h]));
    for (const [name, header] of Object.entries<Json>(myResponse.headers ?? {})) {
      const other = theirHeaders.get(name.toLowerCase());
      if (other === undefined) out.push(`${at} ${status}: header ${name} not in the reference`);
      else {
        const where = `${at} ${status} header ${name}`;
        out.push(...compareSchema(mine, deref(mine, header).schema, theirs, deref(theirs, other).schema, where));
      }
    }
  }
  return out;
}
