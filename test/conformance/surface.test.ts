/**
 * Drop-in at run time: every value the official `e2b` package exports for the parts e2b-ts
 * implements is exported here too, and its classes have the same public methods and statics.
 * What e2b-ts does not implement is listed below with the reason, so the list can only shrink
 * on purpose. (The type-level half is surface-types.test.ts.)
 */
import * as e2b from 'e2b';
import { describe, expect, it } from 'vitest';
import * as ours from '../../src/index.js';

/** SDK exports e2b-ts leaves out, and why. */
/** A class, as the exports are looked at here. */
// biome-ignore lint/suspicious/noExplicitAny: constructors of every shape, compared by name only
type Ctor = abstract new (...args: any[]) => any;

const NOT_IMPLEMENTED: Record<string, string> = {
  Template: 'template builds are the next issue (templates as layer stacks)',
  TemplateBase: 'template builds',
  ReadyCmd: 'template builds (start and ready commands)',
  waitForPort: 'template builds (ready commands)',
  waitForURL: 'template builds (ready commands)',
  waitForProcess: 'template builds (ready commands)',
  waitForFile: 'template builds (ready commands)',
  waitForTimeout: 'template builds (ready commands)',
  defaultBuildLogger: 'template builds',
  LogEntry: 'template build logs',
  LogEntryStart: 'template build logs',
  LogEntryEnd: 'template build logs',
  Secret: 'E2B secrets (workload identity) have no local backend counterpart yet',
  SecretPaginator: 'E2B secrets',
  SecretError: 'E2B secrets',
  SecretNotFoundError: 'E2B secrets',
  E2B: 'a client object binding connection options; pass them per call or through the environment',
  ApiClient: "the SDK's generated REST client is internal; e2b-ts's REST layer is its own",
  ConnectionConfig: "the SDK's resolved-configuration class; e2b-ts exposes resolveConfig() and Sandbox.config",
};

/** Public instance members of SDK classes that are internals there (TypeScript-private or hidden). */
const INTERNAL_MEMBERS = new Set([
  // Sandbox: SDK plumbing
  'resolveApiOpts',
  'fileUrl',
  // Git: helpers of the SDK's implementation
  'runGit',
  'runShell',
  'getRemoteUrl',
  'resolveRemoteName',
  'withRemoteCredentials',
]);
const INTERNAL_STATICS = new Set(['createSandbox', 'forkSandbox', 'connectSandbox', 'resolveOpts', 'boundOpts', 'defaultTemplate', 'defaultMcpTemplate']);

function names(start: object | null, stop: object | null, skip: string[]): string[] {
  const out = new Set<string>();
  for (let p = start; p && p !== stop; p = Object.getPrototypeOf(p)) {
    for (const key of Object.getOwnPropertyNames(p)) if (!skip.includes(key) && !key.startsWith('_')) out.add(key);
  }
  return [...out].sort();
}
const methods = (cls: Ctor) => names(cls.prototype, Object.prototype, ['constructor']);
const statics = (cls: Ctor) => names(cls, Function.prototype, ['length', 'name', 'prototype', 'caller', 'arguments']);
const isClass = (v: unknown): v is Ctor => typeof v === 'function' && /^class\b/.test(Function.prototype.toString.call(v));

const sdkExports = Object.entries(e2b as Record<string, unknown>);
const implemented = sdkExports.filter(([name]) => !(name in NOT_IMPLEMENTED));

describe('exports', () => {
  it('every SDK export e2b-ts implements is exported under the same name', () => {
    const missing = implemented.map(([name]) => name).filter((name) => !(name in ours));
    expect(missing).toEqual([]);
  });

  it('the list of unimplemented exports names only real SDK exports (it shrinks on purpose)', () => {
    expect(Object.keys(NOT_IMPLEMENTED).filter((name) => !(name in e2b))).toEqual([]);
    expect(Object.keys(NOT_IMPLEMENTED).filter((name) => name in ours)).toEqual([]);
  });

  it('the default export is Sandbox, as in the SDK', () => {
    expect(ours.default).toBe(ours.Sandbox);
    expect(e2b.default).toBe(e2b.Sandbox);
  });

  it('enums and constants have the SDK values', () => {
    expect({ ...ours.FileType }).toEqual({ ...e2b.FileType });
    expect({ ...ours.FilesystemEventType }).toEqual({ ...e2b.FilesystemEventType });
    expect({ ...ours.VolumeFileType }).toEqual({ ...e2b.VolumeFileType });
    expect(ours.ALL_TRAFFIC).toBe(e2b.ALL_TRAFFIC);
  });
});

describe('classes', () => {
  const classes = implemented.filter(([, value]) => isClass(value)) as Array<[string, Ctor]>;

  it.each(classes)('%s has the SDK public methods and statics', (name, sdkClass) => {
    const ourClass = (ours as unknown as Record<string, Ctor>)[name];
    expect(isClass(ourClass), `${name} is a class`).toBe(true);
    expect(methods(sdkClass).filter((m) => !INTERNAL_MEMBERS.has(m) && !methods(ourClass).includes(m))).toEqual([]);
    expect(statics(sdkClass).filter((m) => !INTERNAL_STATICS.has(m) && !statics(ourClass).includes(m))).toEqual([]);
  });

  it('error classes keep the SDK hierarchy', () => {
    const errors = classes.filter(([, cls]) => cls.prototype instanceof Error);
    expect(errors.length).toBeGreaterThan(10);
    for (const [name, sdkClass] of errors) {
      const ourClass = (ours as unknown as Record<string, Ctor>)[name];
      // every SDK ancestor that is itself exported is an ancestor here too
      for (let parent = Object.getPrototypeOf(sdkClass); parent && parent !== Error; parent = Object.getPrototypeOf(parent)) {
        const parentName = parent.name as string;
        if (parentName in ours)
          expect(ourClass.prototype instanceof (ours as unknown as Record<string, Ctor>)[parentName], `${name} extends ${parentName}`).toBe(true);
      }
    }
  });
});
