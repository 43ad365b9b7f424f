/**
 * The official SDK's names for option and result types whose e2b-ts types are spelled
 * differently, so `import type { SandboxOpts } from 'e2b'` keeps compiling when the import
 * becomes 'e2b-ts'. Each is an alias of the e2b-ts type that plays the part.
 */
import type { Paginator } from './paginator.js';
import type { CallOptions, ConnectionOptions } from './config.js';
import type { Files, ReadOpts, WriteOpts } from './filesystem.js';
import type { SandboxApiOpts } from './sandbox.js';
import type { SandboxCreateOpts, SandboxInfo, SnapshotInfo } from './sandbox-api.js';
import type { VolumeApiOpts, VolumeMetadataOpts, VolumeWriteOpts } from './volume.js';

export type ConnectionOpts = ConnectionOptions & CallOptions;
export type ConnectionConfigOpts = ConnectionOpts;
export type CommandRequestOpts = CallOptions;
export type SandboxOpts = SandboxCreateOpts & SandboxApiOpts;
export type SandboxConnectOpts = SandboxApiOpts & { timeoutMs?: number };
export type SandboxPauseOpts = SandboxApiOpts & { keepMemory?: boolean };
export type SandboxMetricsOpts = SandboxApiOpts & { start?: Date; end?: Date };
export type CreateSnapshotOpts = SandboxApiOpts & { name?: string };
export type SandboxListOrder = 'asc' | 'desc';
export type SandboxInfoLifecycle = NonNullable<SandboxInfo['lifecycle']>;
export type SandboxPaginator = Paginator<SandboxInfo>;
export type SnapshotPaginator = Paginator<SnapshotInfo>;
export type Filesystem = Files;
export type FilesystemReadOpts = ReadOpts;
export type FilesystemWriteOpts = WriteOpts;
/** Decoded output text (the SDK brands it; a plain string here). */
export type Stdout = string;
export type Stderr = string;
/** Raw terminal output bytes. */
export type PtyOutput = Uint8Array;
export type Username = string;
export type VolumeReadOpts = VolumeApiOpts & { format?: 'text' | 'bytes' | 'blob' | 'stream' };
export type VolumeWriteOptions = VolumeWriteOpts;
export type VolumeMetadataOptions = VolumeMetadataOpts;
