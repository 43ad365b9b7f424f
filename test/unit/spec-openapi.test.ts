// spec/rest/openapi.yml is the project's own description of the control-plane REST surface it
// uses. This test proves that everything it states (paths, methods, statuses, parameters,
// bodies, schema names, fields, types, formats, enums, required lists) agrees with the API E2B
// publishes, kept read-only in ../shared/reference/e2b-spec/. That directory exists only in the
// development workspace; in a fresh clone the comparison is skipped and says so.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compareComponentSchemas, compareOperation, danglingRefs, operations } from '../helpers/openapi-compare.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const referenceFile = path.resolve(repoRoot, '../shared/reference/e2b-spec/openapi.yml');
const haveReference = existsSync(referenceFile);

const load = (file: string) => parse(readFileSync(file, 'utf8'));
const project = load(path.join(repoRoot, 'spec/rest/openapi.yml'));

// The surface the client and the local backend are built on; dropping one is a regression.
const EXPECTED_OPERATIONS = [
  'GET /health',
  'POST /sandboxes',
  'POST /v2/sandboxes',
  'GET /sandboxes',
  'GET /v2/sandboxes',
  'GET /sandboxes/metrics',
  'GET /sandboxes/{sandboxID}',
  'DELETE /sandboxes/{sandboxID}',
  'GET /sandboxes/{sandboxID}/logs',
  'GET /v2/sandboxes/{sandboxID}/logs',
  'GET /sandboxes/{sandboxID}/metrics',
  'POST /sandboxes/{sandboxID}/pause',
  'POST /sandboxes/{sandboxID}/resume',
  'POST /sandboxes/{sandboxID}/connect',
  'POST /v2/sandboxes/{sandboxID}/connect',
  'POST /sandboxes/{sandboxID}/timeout',
  'PUT /sandboxes/{sandboxID}/network',
  'POST /sandboxes/{sandboxID}/refreshes',
  'POST /sandboxes/{sandboxID}/fork',
  'POST /sandboxes/{sandboxID}/snapshots',
  'GET /snapshots',
  'GET /templates',
  'DELETE /templates/{templateID}',
  'GET /volumes',
  'POST /volumes',
  'GET /volumes/{volumeID}',
  'DELETE /volumes/{volumeID}',
];

describe('spec/rest/openapi.yml on its own', () => {
  it('resolves every $ref', () => {
    expect(danglingRefs(project)).toEqual([]);
  });

  it('describes the operations the project uses', () => {
    const described = operations(project).map((op) => `${op.method.toUpperCase()} ${op.path}`);
    expect([...described].sort()).toEqual([...EXPECTED_OPERATIONS].sort());
  });
});

describe('the comparison itself', () => {
  // Runs without the reference: the project is compared with altered copies of itself, to
  // show each kind of disagreement is noticed (a checker that never fails proves nothing).
  // Parsed YAML; the alterations below reach into it by known paths.
  // biome-ignore lint/suspicious/noExplicitAny: parsed YAML, read by known OpenAPI paths
  type Doc = any;
  const schemas = (d: Doc) => d.components.schemas;

  const against = (alter: (doc: Doc) => void) => {
    const altered = structuredClone(project);
    alter(altered);
    return [...operations(project).flatMap((op) => compareOperation(project, altered, op)), ...compareComponentSchemas(project, altered)];
  };

  it('finds no difference between the spec and itself', () => {
    expect(against(() => {})).toEqual([]);
  });

  const cases: [string, (d: Doc) => void, string][] = [
    ['a status', (d) => delete d.paths['/sandboxes'].post.responses['201'], 'POST /sandboxes: status 201 not in the reference'],
    ['a path', (d) => delete d.paths['/snapshots'], 'GET /snapshots: operation not in the reference'],
    [
      'explode',
      (d) => (d.paths['/v2/sandboxes'].get.parameters[1].explode = true),
      'parameter query:state style=form explode=false vs reference style=form explode=true',
    ],
    ['a format', (d) => (schemas(d).SandboxMetric.properties.cpuCount.format = 'int64'), 'schema SandboxMetric.cpuCount: format "int32" vs reference "int64"'],
    ['nullable', (d) => delete schemas(d).Sandbox.properties.domain.nullable, 'schema Sandbox.domain: nullable true vs reference false'],
    ['an enum value', (d) => schemas(d).SandboxState.enum.push('killed'), 'schema SandboxState: enum'],
    ['a $ref target', (d) => (schemas(d).SandboxDetail.properties.state.$ref = '#/components/schemas/LogLevel'), 'schema SandboxDetail.state: $ref'],
    ['a required list', (d) => schemas(d).Sandbox.required.push('domain'), 'schema Sandbox: required'],
    ['a property name', (d) => delete schemas(d).Error.properties.error_code, 'schema Error.error_code: property not in the reference'],
    [
      'an array item type',
      (d) => (schemas(d).SnapshotInfo.properties.names.items.type = 'integer'),
      'schema SnapshotInfo.names[]: type "string" vs reference "integer"',
    ],
  ];
  it.each(cases)('notices a changed %s', (_what, alter, expected) => {
    expect(against(alter).join('\n')).toContain(expected);
  });
});

if (!haveReference) {
  console.warn(`spec-openapi: reference comparison skipped, ${referenceFile} not found`);
}

describe.skipIf(!haveReference)('spec/rest/openapi.yml agrees with the E2B reference', () => {
  // Loaded lazily: a skipped suite's body still runs, and the file is absent then.
  const reference = () => load(referenceFile);

  it('has every path, method, status, parameter and body as the reference does', () => {
    const ref = reference();
    const problems = operations(project).flatMap((op) => compareOperation(project, ref, op));
    expect(problems).toEqual([]);
  });

  it('has every schema, property and required list as the reference does', () => {
    expect(compareComponentSchemas(project, reference())).toEqual([]);
  });
});

// spec/rest/openapi-volumecontent.yml: the volume-content API (nothing is generated from it;
// the local backend's handler and our Volume client are written against it).
const contentFile = path.resolve(repoRoot, '../shared/reference/e2b-spec/openapi-volumecontent.yml');
const haveContentReference = existsSync(contentFile);
const content = load(path.join(repoRoot, 'spec/rest/openapi-volumecontent.yml'));

describe('spec/rest/openapi-volumecontent.yml on its own', () => {
  it('resolves every $ref and describes the seven operations', () => {
    expect(danglingRefs(content)).toEqual([]);
    expect(
      operations(content)
        .map((op) => `${op.method.toUpperCase()} ${op.path}`)
        .sort(),
    ).toEqual(
      [
        'GET /volumecontent/{volumeID}/path',
        'PATCH /volumecontent/{volumeID}/path',
        'DELETE /volumecontent/{volumeID}/path',
        'GET /volumecontent/{volumeID}/dir',
        'POST /volumecontent/{volumeID}/dir',
        'GET /volumecontent/{volumeID}/file',
        'PUT /volumecontent/{volumeID}/file',
      ].sort(),
    );
  });
});

if (!haveContentReference) {
  console.warn(`spec-openapi: volume-content comparison skipped, ${contentFile} not found`);
}

describe.skipIf(!haveContentReference)('spec/rest/openapi-volumecontent.yml agrees with the E2B reference', () => {
  const reference = () => load(contentFile);

  it('has every path, method, status, parameter and body as the reference does', () => {
    const ref = reference();
    expect(operations(content).flatMap((op) => compareOperation(content, ref, op))).toEqual([]);
  });

  it('has every schema, property and required list as the reference does', () => {
    expect(compareComponentSchemas(content, reference())).toEqual([]);
  });

  it('notices a disagreement (a changed field type)', () => {
    const altered = structuredClone(content);
    altered.components.schemas.VolumeEntryStat.properties.size.format = 'int32';
    expect(compareComponentSchemas(altered, reference()).join('\n')).toContain('VolumeEntryStat.size');
  });
});
