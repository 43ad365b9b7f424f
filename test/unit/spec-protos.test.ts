// spec/envd/**/*.proto is the project's own description of the envd services. This test
// proves it agrees, wire fact by wire fact, with the protos E2B publishes (kept read-only in
// ../shared/reference/e2b-spec/, which only exists in the development workspace, not in a
// fresh clone; without it the comparison is skipped and says so).

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDescriptorSet, diffFacts, wireFacts } from '../helpers/proto-descriptors.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const referenceRoot = path.resolve(repoRoot, '../shared/reference/e2b-spec');
const referenceEnvd = path.join(referenceRoot, 'envd');
const haveReference = existsSync(path.join(referenceEnvd, 'process/process.proto'));

describe('spec/envd protos on their own', () => {
  it('compile, and the comparison notices a changed field number', () => {
    // Runs without the reference: proves the project protos build and that a disagreement
    // is reported (a checker that never fails proves nothing).
    const set = buildDescriptorSet(path.join(repoRoot, 'spec'));
    const altered = structuredClone(set);
    const processFile = altered.file.find((f) => f.package === 'process');
    const endEvent = processFile?.messageType?.find((m) => m.name === 'ProcessEvent')?.nestedType?.find((m) => m.name === 'EndEvent');
    const exitCode = endEvent?.field?.find((f) => f.name === 'exit_code');
    expect(exitCode?.number).toBe(1);
    exitCode!.number = 5;
    expect(diffFacts(wireFacts(altered), wireFacts(set))).toEqual([
      expect.stringMatching(/^differs: field process\.ProcessEvent\.EndEvent\.exit_code\n.*number=5.*\n.*number=1/),
    ]);
  }, 60_000);
});

if (!haveReference) {
  console.warn(`spec-protos: skipped, reference protos not found at ${referenceEnvd}`);
}

describe.skipIf(!haveReference)('spec/envd protos agree with the E2B reference', () => {
  let project: Map<string, string>;
  let reference: Map<string, string>;

  // In beforeAll, not at collection time: a skipped suite's body still runs to collect its
  // tests, and the reference path does not exist then.
  beforeAll(() => {
    project = wireFacts(buildDescriptorSet(path.join(repoRoot, 'spec')));
    reference = wireFacts(buildDescriptorSet(referenceEnvd));
  }, 60_000);

  it('describes the same files, packages and imports', () => {
    const files = (facts: Map<string, string>) => [...facts].filter(([key]) => key.startsWith('file ')).map(([key, value]) => `${key}: ${value}`);
    expect(files(project)).toEqual(files(reference));
  });

  it('has the same services, rpcs and streaming kinds', () => {
    const only = (facts: Map<string, string>) => new Map([...facts].filter(([key]) => key.startsWith('service ') || key.startsWith('rpc ')));
    expect(diffFacts(only(project), only(reference))).toEqual([]);
  });

  it('has the same messages, fields, oneofs and enums', () => {
    expect(diffFacts(project, reference)).toEqual([]);
  });

  it('covers the elements implementers rely on', () => {
    // Guards against both sides silently compiling to nothing (e.g. a wrong path).
    for (const key of [
      'rpc process.Process.Start',
      'rpc process.Process.StreamInput',
      'field process.ProcessEvent.EndEvent.exit_code',
      'field process.StreamInputRequest.DataEvent.input',
      'message process.ProcessConfig.EnvsEntry',
      'rpc filesystem.Filesystem.WatchDir',
      'field filesystem.EntryInfo.modified_time',
      'enum value filesystem.EventType.EVENT_TYPE_CHMOD',
    ]) {
      expect(project.has(key), key).toBe(true);
    }
  });
});
