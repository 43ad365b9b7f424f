/**
 * Conformance: the official `e2b` npm SDK, pointed at the local backend by the values of
 * `e2b-ts local env` (E2B_API_URL / E2B_SANDBOX_URL / E2B_API_KEY in process.env), works with a
 * sandbox's files and gets what E2B's envd would give it: files.read/write of text and bytes
 * (20 MB included, checked by sha256), empty files, unicode names, relative paths, users and
 * ownership, multi-file writes, list with depth (symlinks included), getInfo fields, exists,
 * rename (across mounts too), remove, makeDir, watchDir events (recursive, with entries),
 * upload metadata, signed uploadUrl/downloadUrl used with plain HTTP (and refused when expired
 * or tampered with), and FileNotFoundError for missing paths.
 *
 * The scenarios live in files-scenarios.ts; our own client runs the same ones in
 * files-differential.test.ts.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import type { LocalBackend } from '../helpers/local-backend.js';
import { defineFilesScenarios, sdkFilesClient } from './files-scenarios.js';
import { startLocalEnv, type LocalEnv } from './sandbox-scenarios.js';

let backend: LocalBackend;
let env: LocalEnv;

beforeAll(async () => ({ backend, env } = await startLocalEnv()));
afterAll(async () => {
  await backend?.dispose();
});

describe('the official e2b SDK works with files on the local backend', () => {
  defineFilesScenarios(
    () => sdkFilesClient,
    () => env,
  );
});
