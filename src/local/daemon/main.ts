/**
 * Entry point of the local daemon process (`e2b-ts local start` spawns it detached):
 *   node dist/local/daemon/main.js [--port N] [--port-fallback]
 * It stops cleanly on SIGTERM/SIGINT, saving running sandboxes as paused.
 */
import { statePaths } from '../paths.js';
import { startDaemon } from './server.js';

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const port = Number(argValue('--port') ?? '0');
  const daemon = await startDaemon({
    paths: statePaths(),
    port: Number.isInteger(port) && port >= 0 ? port : 0,
    portFallback: process.argv.includes('--port-fallback'),
  });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    daemon.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('SIGHUP', stop);
}

main().catch((error) => {
  process.stderr.write(`e2b-ts local daemon failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
