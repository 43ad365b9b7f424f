/**
 * e2b-ts as a library: `import { Sandbox } from 'e2b-ts'`.
 * Importing this module has no side effects; nothing connects until a method is called.
 */
export { Sandbox, type SandboxApiOpts } from './client/sandbox.js';
// The official SDK's default export is the Sandbox class: `import Sandbox from 'e2b'` works here too.
export { Sandbox as default } from './client/sandbox.js';
export type {
  SandboxConnection,
  SandboxCreateOpts,
  SandboxForkOpts,
  SandboxInfo,
  SandboxLifecycle,
  SandboxListOpts,
  SandboxLogEntry,
  SandboxLogsOpts,
  SandboxMetrics,
  SandboxOnTimeout,
  SandboxState,
  SnapshotInfo,
  SnapshotListOpts,
} from './client/sandbox-api.js';
export {
  ALL_TRAFFIC,
  type SandboxEgressProxyInfo,
  type SandboxEgressProxyOpts,
  type SandboxNetworkInfo,
  type SandboxNetworkOpts,
  type SandboxNetworkRule,
  type SandboxNetworkRuleInfo,
  type SandboxNetworkRules,
  type SandboxNetworkSelector,
  type SandboxNetworkSelectorContext,
  type SandboxNetworkTransform,
  type SandboxNetworkTransformContext,
  type SandboxNetworkTransformResolver,
  type SandboxNetworkUpdate,
} from './client/network.js';
export { Paginator } from './client/paginator.js';
export type { OpenPortOpts } from './client/ports.js';
export {
  CommandHandle,
  Commands,
  DEFAULT_COMMAND_TIMEOUT_MS,
  SIGNAL_NUMBERS,
  signalFromStatus,
  type CommandConnectOpts,
  type CommandFinished,
  type CommandStartOpts,
  type OutputStream,
  type ProcessInfo,
  type SignalName,
} from './client/commands.js';
export {
  Files,
  WatchHandle,
  type DownloadInfo,
  type DownloadOpts,
  type EntryInfo,
  FileType,
  type FilesystemEvent,
  FilesystemEventType,
  type FilesystemOpts,
  type ReadOpts,
  type UploadInfo,
  type UploadOpts,
  type WatchOpts,
  type WriteData,
  type WriteInfo,
  type WriteOpts,
} from './client/filesystem.js';
export {
  Git,
  type GitAddOpts,
  type GitBranches,
  type GitCloneOpts,
  type GitCommitOpts,
  type GitConfigOpts,
  type GitConfigScope,
  type GitCredentials,
  type GitDangerouslyAuthenticateOpts,
  type GitDeleteBranchOpts,
  type GitFileStatus,
  type GitInitOpts,
  type GitProgressOpts,
  type GitPullOpts,
  type GitPushOpts,
  type GitRemoteAddOpts,
  type GitRequestOpts,
  type GitResetMode,
  type GitResetOpts,
  type GitRestoreOpts,
  type GitStatus,
  type GitStatusLabel,
} from './client/git.js';
export { Pty, PTY_TAG_PREFIX, type PtyConnectOpts, type PtyCreateOpts, type PtySize } from './client/pty.js';
export {
  resolveConfig,
  ENVD_PORT,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type CallOptions,
  type Config,
  type ConnectionOptions,
  type Logger,
} from './client/config.js';
export { getSignature, type FileOperation, type SignatureInput, type FileUrlOptions } from './client/signature.js';
export {
  Volume,
  VolumeFileType,
  type VolumeApiOpts,
  type VolumeAndToken,
  type VolumeEntryStat,
  type VolumeInfo,
  type VolumeMetadataOpts,
  type VolumeWriteOpts,
} from './client/volume.js';
export type {
  CommandRequestOpts,
  ConnectionConfigOpts,
  ConnectionOpts,
  CreateSnapshotOpts,
  Filesystem,
  FilesystemReadOpts,
  FilesystemWriteOpts,
  PtyOutput,
  SandboxConnectOpts,
  SandboxInfoLifecycle,
  SandboxListOrder,
  SandboxMetricsOpts,
  SandboxOpts,
  SandboxPaginator,
  SandboxPauseOpts,
  SnapshotPaginator,
  Stderr,
  Stdout,
  Username,
  VolumeMetadataOptions,
  VolumeReadOpts,
  VolumeWriteOptions,
} from './client/sdk-names.js';
export * from './client/errors.js';
