/**
 * The Connect runtime pieces the envd modules use, behind one module that is imported on first
 * use: `import { Sandbox } from 'e2b-ts'` and commands that only talk to the control plane never
 * load connect-es or the generated descriptors.
 */
export { ConnectError, createClient } from '@connectrpc/connect';
export { Process } from '../../gen/envd/process/process_pb.js';
export { Filesystem } from '../../gen/envd/filesystem/filesystem_pb.js';
