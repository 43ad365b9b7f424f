// Reduces .proto files to the facts that matter on the wire, so two descriptions written
// differently (comments, order, layout, options) can be compared fact by fact.
//
// Parsing is delegated to buf (a devDependency): `buf build` compiles a directory into a
// FileDescriptorSet, which we read as JSON. That is the compiler's own view of the files,
// so nothing here has to re-implement proto3 syntax.

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// Only the descriptor fields we read; see google/protobuf/descriptor.proto.
interface FieldDescriptor {
  name: string;
  number: number;
  label?: string;
  type?: string;
  typeName?: string;
  jsonName?: string;
  oneofIndex?: number;
  proto3Optional?: boolean;
}
interface EnumDescriptor {
  name: string;
  value?: { name: string; number: number }[];
}
interface MessageDescriptor {
  name: string;
  field?: FieldDescriptor[];
  nestedType?: MessageDescriptor[];
  enumType?: EnumDescriptor[];
  oneofDecl?: { name: string }[];
  options?: { mapEntry?: boolean };
}
interface ServiceDescriptor {
  name: string;
  method?: {
    name: string;
    inputType: string;
    outputType: string;
    clientStreaming?: boolean;
    serverStreaming?: boolean;
  }[];
}
interface FileDescriptor {
  name: string;
  package?: string;
  dependency?: string[];
  syntax?: string;
  messageType?: MessageDescriptor[];
  enumType?: EnumDescriptor[];
  service?: ServiceDescriptor[];
}
export interface DescriptorSet {
  file: FileDescriptor[];
}

/**
 * Compiles every .proto under `dir` (a buf module root, or a workspace with buf.yaml) and
 * returns its descriptors, without source info and without imported files.
 */
export function buildDescriptorSet(dir: string): DescriptorSet {
  // buf's JS launcher via node: works the same on every OS (no .cmd shim involved).
  const launcher = path.join(repoRoot, 'node_modules/@bufbuild/buf/bin/buf');
  const json = execFileSync(process.execPath, [launcher, 'build', dir, '--exclude-source-info', '--exclude-imports', '-o', '-#format=json'], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(json) as DescriptorSet;
}

/**
 * Flattens a descriptor set into `key -> value` facts. Keys name one element by its full
 * name; values hold every wire-relevant attribute, so a difference shows up as one line.
 * Comments, declaration order and file options (go_package & co.) are deliberately absent.
 */
export function wireFacts(set: DescriptorSet): Map<string, string> {
  const facts = new Map<string, string>();
  const add = (key: string, value: string) => {
    if (facts.has(key)) throw new Error(`duplicate descriptor element ${key}`);
    facts.set(key, value);
  };

  for (const file of set.file) {
    const pkg = file.package ?? '';
    const deps = [...(file.dependency ?? [])].sort().join(', ') || '(none)';
    add(`file ${file.name}`, `package=${pkg} syntax=${file.syntax ?? 'proto2'} imports=${deps}`);

    const addEnum = (scope: string, e: EnumDescriptor) => {
      const full = `${scope}.${e.name}`;
      add(`enum ${full}`, 'declared');
      for (const v of e.value ?? []) add(`enum value ${full}.${v.name}`, `number=${v.number}`);
    };

    const addMessage = (scope: string, m: MessageDescriptor) => {
      const full = `${scope}.${m.name}`;
      // Map fields compile to a synthetic nested *Entry message flagged map_entry.
      add(`message ${full}`, m.options?.mapEntry ? 'map entry' : 'declared');
      const oneofs = m.oneofDecl ?? [];
      for (const o of oneofs) add(`oneof ${full}.${o.name}`, 'declared');
      for (const f of m.field ?? []) {
        const oneof = f.oneofIndex === undefined ? '-' : (oneofs[f.oneofIndex]?.name ?? `#${f.oneofIndex}`);
        add(
          `field ${full}.${f.name}`,
          [
            `number=${f.number}`,
            `type=${f.type ?? '?'}`,
            `typeName=${f.typeName ?? '-'}`,
            `label=${f.label ?? '?'}`,
            `proto3Optional=${f.proto3Optional === true}`,
            `oneof=${oneof}`,
            `jsonName=${f.jsonName ?? '-'}`,
          ].join(' '),
        );
      }
      for (const nested of m.nestedType ?? []) addMessage(full, nested);
      for (const e of m.enumType ?? []) addEnum(full, e);
    };

    for (const m of file.messageType ?? []) addMessage(pkg, m);
    for (const e of file.enumType ?? []) addEnum(pkg, e);
    for (const s of file.service ?? []) {
      const full = `${pkg}.${s.name}`;
      add(`service ${full}`, `file=${file.name}`);
      for (const method of s.method ?? []) {
        add(
          `rpc ${full}.${method.name}`,
          [
            `${method.inputType} -> ${method.outputType}`,
            `clientStreaming=${method.clientStreaming === true}`,
            `serverStreaming=${method.serverStreaming === true}`,
          ].join(' '),
        );
      }
    }
  }
  return facts;
}

/**
 * Lists every disagreement between two fact maps as a readable line; [] when they agree.
 */
export function diffFacts(project: Map<string, string>, reference: Map<string, string>): string[] {
  const lines: string[] = [];
  const keys = [...new Set([...project.keys(), ...reference.keys()])].sort();
  for (const key of keys) {
    const mine = project.get(key);
    const theirs = reference.get(key);
    if (mine === theirs) continue;
    if (mine === undefined) lines.push(`missing in spec/: ${key} (reference: ${theirs})`);
    else if (theirs === undefined) lines.push(`not in reference: ${key} (spec/: ${mine})`);
    else lines.push(`differs: ${key}\n    spec/:     ${mine}\n    reference: ${theirs}`);
  }
  return lines;
}
