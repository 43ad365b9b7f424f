/**
 * The Connect-RPC side of envd: the process and filesystem services behind one Node
 * request handler. It accepts the Connect protocol with JSON (what the official SDKs send) and
 * binary protobuf (what our client sends), ignoring unknown JSON fields as E2B's envd does.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { Filesystem } from '../../gen/envd/filesystem/filesystem_pb.js';
import { Process } from '../../gen/envd/process/process_pb.js';
import { Watchers, createFilesystemService } from './filesystem/service.js';
import { keepReasons } from './keep-reasons.js';
import { ProcessTable, createProcessService } from './process/service.js';
import type { EnvdState } from './server.js';

export function createRpcHandler(state: EnvdState): (req: IncomingMessage, res: ServerResponse) => void {
  const processes = new ProcessTable();
  const watchers = new Watchers();
  return connectNodeAdapter({
    jsonOptions: { ignoreUnknownFields: true },
    interceptors: [keepReasons],
    routes: (router) => {
      router.service(
        Process,
        createProcessService(() => state.config, processes),
      );
      router.service(
        Filesystem,
        createFilesystemService(() => state.config, state.metadata, watchers),
      );
    },
  });
}
