/**
 * Entry point of envd inside a sandbox (bundled to dist/envd.mjs). Reads its configuration as
 * JSON from stdin, listens on the socket the daemon hands it, and prints READY when it accepts
 * connections. Logs go to stderr, which the daemon records as the sandbox's log.
 */
import { join } from 'node:path';
import { MetadataStore } from './filesystem/metadata.js';
import { createFilesRoute } from './files.js';
import type { EnvdConfig } from './config.js';
import { createEnvdServer } from './server.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(): Promise<void> {
  const config = JSON.parse(await readStdin()) as EnvdConfig;
  // Metadata lives in envd's private run folder, outside the sandbox's files.
  const metadata = new MetadataStore(config.runDir ? join(config.runDir, 'metadata.json') : undefined);
  const server = createEnvdServer({ config, metadata }, { '/files': createFilesRoute(metadata) });
  server.listen('fd' in config.listen ? { fd: config.listen.fd } : config.listen.path, () => {
    process.stdout.write('READY\n');
    process.stderr.write(`envd ${config.version} listening for sandbox ${config.sandboxId}\n`);
  });
  const stop = () => {
    metadata.flush();
    server.close(() => process.exit(0));
  };
  if (config.sudoSocket) {
    const { startSudoServer } = await import('./sudo/server.js');
    startSudoServer(config, config.sudoSocket);
  }
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => {
  process.stderr.write(`envd failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
