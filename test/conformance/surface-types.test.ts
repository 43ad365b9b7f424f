/**
 * Drop-in at the type level: what the official `e2b` package declares, e2b-ts declares with the
 * same names and compatible shapes. Checked by `npm run typecheck` (this file is in tsconfig's
 * include); the runtime half is surface.test.ts.
 */
import type * as e2b from 'e2b';
import type * as ours from '../../src/index.js';
import { describe, expect, it } from 'vitest';

/** Public members of an SDK class or interface, without its nominal private fields. */
type Public<T> = { [K in keyof T]: T[K] };
/** Names the SDK has and we lack. */
type Missing<Sdk, Ours> = Exclude<keyof Sdk, keyof Ours>;
/** Compiles only when nothing is missing; the error names what is. */
function noneMissing<_T extends never>(): void {}
/** Compiles only when a value of the SDK's type is a value of ours (or the reverse for results). */
function accepts<B>(_value: B): void {}
const any = <T>(): T => undefined as unknown as T;
/**
 * The SDK's string enums (FileType, FilesystemEventType, VolumeFileType) are nominal in
 * TypeScript: no other declaration is assignable to them. Ours are `as const` objects with the
 * same member names and values; results are compared with the enums read as their values.
 */
type Values<T> = T extends string ? `${T}` : T extends Date | ((...args: never[]) => unknown) ? T : T extends object ? { [K in keyof T]: Values<T[K]> } : T;

/** Every public member of these classes exists on ours. */
function members(): void {
  noneMissing<Missing<e2b.Sandbox, ours.Sandbox>>();
  noneMissing<Missing<typeof e2b.Sandbox, typeof ours.Sandbox>>();
  noneMissing<Missing<e2b.CommandHandle, ours.CommandHandle>>();
  noneMissing<Missing<e2b.Commands, ours.Commands>>();
  noneMissing<Missing<e2b.Filesystem, ours.Files>>();
  noneMissing<Missing<e2b.Pty, ours.Pty>>();
  noneMissing<Missing<e2b.Git, ours.Git>>();
  noneMissing<Missing<e2b.Volume, ours.Volume>>();
  noneMissing<Missing<typeof e2b.Volume, typeof ours.Volume>>();
  noneMissing<Missing<e2b.WatchHandle, ours.WatchHandle>>();
}

/** Options code passes to the SDK are accepted by ours. */
function options(): void {
  accepts<ours.SandboxCreateOpts & ours.SandboxApiOpts>(any<e2b.SandboxOpts>());
  accepts<Parameters<typeof ours.Sandbox.connect>[1]>(any<e2b.SandboxConnectOpts>());
  accepts<Parameters<typeof ours.Sandbox.list>[0]>(any<e2b.SandboxListOpts>());
  accepts<ours.CommandStartOpts>(any<e2b.CommandStartOpts>());
  accepts<ours.SandboxOpts>(any<e2b.SandboxOpts>());
  accepts<ours.SandboxPauseOpts>(any<e2b.SandboxPauseOpts>());
  accepts<ours.SandboxMetricsOpts>(any<e2b.SandboxMetricsOpts>());
  accepts<ours.CreateSnapshotOpts>(any<e2b.CreateSnapshotOpts>());
  accepts<ours.SandboxForkOpts & ours.SandboxApiOpts>(any<e2b.SandboxForkOpts>());
  accepts<ours.SandboxNetworkUpdate>(any<e2b.SandboxNetworkUpdate>());
  accepts<ours.VolumeWriteOpts>(any<e2b.VolumeWriteOpts>());
  accepts<ours.CommandConnectOpts>(any<e2b.CommandConnectOpts>());
  accepts<ours.ReadOpts>(any<e2b.FilesystemReadOpts>());
  accepts<ours.WriteOpts>(any<e2b.FilesystemWriteOpts>());
}

/** Results code reads from the SDK carry at least the SDK's fields, with compatible types. */
function results(): void {
  accepts<`${e2b.FileType}`>(any<ours.FileType>());
  accepts<ours.FileType>(any<`${e2b.FileType}`>());
  accepts<`${e2b.FilesystemEventType}`>(any<ours.FilesystemEventType>());
  accepts<ours.FilesystemEventType>(any<`${e2b.FilesystemEventType}`>());
  accepts<e2b.CommandResult>(any<ours.CommandFinished>());
  accepts<Public<e2b.CommandHandle>>(any<ours.CommandHandle>());
  accepts<e2b.ProcessInfo>(any<ours.ProcessInfo>());
  accepts<Values<e2b.EntryInfo>>(any<ours.EntryInfo>());
  accepts<Values<e2b.WriteInfo>>(any<ours.WriteInfo>());
  accepts<Values<e2b.FilesystemEvent>>(any<ours.FilesystemEvent>());
  accepts<e2b.SandboxInfo>(any<ours.SandboxInfo>());
  accepts<e2b.SandboxMetrics>(any<ours.SandboxMetrics>());
  accepts<e2b.SnapshotInfo>(any<ours.SnapshotInfo>());
  accepts<e2b.VolumeInfo>(any<ours.VolumeInfo>());
  accepts<Values<e2b.VolumeEntryStat>>(any<ours.VolumeEntryStat>());
}

/**
 * Type names a program imports from the SDK exist here too (a missing one fails to compile).
 * Left out, as in surface.test.ts: templates, secrets, IAM, the E2B client object, the SDK's
 * generated REST types (`paths`, `components`) and MCP server catalogue types.
 */
type SdkTypeNames = [
  ours.CommandConnectOpts,
  ours.CommandRequestOpts,
  ours.CommandResult,
  ours.CommandStartOpts,
  ours.ConnectionConfigOpts,
  ours.ConnectionOpts,
  ours.CreateSnapshotOpts,
  ours.EntryInfo,
  ours.Filesystem,
  ours.FilesystemEvent,
  ours.FilesystemReadOpts,
  ours.FilesystemWriteOpts,
  ours.GitAddOpts,
  ours.GitBranches,
  ours.GitCloneOpts,
  ours.GitCommitOpts,
  ours.GitConfigOpts,
  ours.GitConfigScope,
  ours.GitDangerouslyAuthenticateOpts,
  ours.GitDeleteBranchOpts,
  ours.GitFileStatus,
  ours.GitInitOpts,
  ours.GitPullOpts,
  ours.GitPushOpts,
  ours.GitRemoteAddOpts,
  ours.GitRequestOpts,
  ours.GitResetMode,
  ours.GitResetOpts,
  ours.GitRestoreOpts,
  ours.GitStatus,
  ours.GitStatusLabel,
  ours.Logger,
  ours.ProcessInfo,
  ours.PtyOutput,
  ours.SandboxApiOpts,
  ours.SandboxConnectOpts,
  ours.SandboxEgressProxyInfo,
  ours.SandboxEgressProxyOpts,
  ours.SandboxForkOpts,
  ours.SandboxInfo,
  ours.SandboxInfoLifecycle,
  ours.SandboxLifecycle,
  ours.SandboxListOpts,
  ours.SandboxListOrder,
  ours.SandboxMetrics,
  ours.SandboxMetricsOpts,
  ours.SandboxNetworkInfo,
  ours.SandboxNetworkOpts,
  ours.SandboxNetworkRule,
  ours.SandboxNetworkRuleInfo,
  ours.SandboxNetworkRules,
  ours.SandboxNetworkSelector,
  ours.SandboxNetworkSelectorContext,
  ours.SandboxNetworkTransform,
  ours.SandboxNetworkTransformContext,
  ours.SandboxNetworkTransformResolver,
  ours.SandboxNetworkUpdate,
  ours.SandboxOnTimeout,
  ours.SandboxOpts,
  ours.SandboxPaginator,
  ours.SandboxPauseOpts,
  ours.SandboxState,
  ours.SnapshotInfo,
  ours.SnapshotListOpts,
  ours.SnapshotPaginator,
  ours.Stderr,
  ours.Stdout,
  ours.Username,
  ours.VolumeAndToken,
  ours.VolumeApiOpts,
  ours.VolumeEntryStat,
  ours.VolumeInfo,
  ours.VolumeMetadataOptions,
  ours.VolumeMetadataOpts,
  ours.VolumeReadOpts,
  ours.VolumeWriteOptions,
  ours.VolumeWriteOpts,
  ours.WatchHandle,
  ours.WriteInfo,
  ours.Pty,
  ours.CommandHandle,
  ours.Commands,
];

describe('type-level surface', () => {
  it('is checked by the typechecker: this file fails `npm run typecheck` on a mismatch', () => {
    // the checks are types; calling them only proves the file loads
    for (const check of [members, options, results]) expect(check()).toBeUndefined();
    const names: SdkTypeNames | undefined = undefined;
    expect(names).toBeUndefined();
  });
});
