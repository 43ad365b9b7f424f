import { Command } from 'commander';
import { isLocal, type Context } from '../../context.js';
import { printJson } from '../../output.js';
import { parseInteger, parseSandboxId } from '../../parse.js';

export interface UrlOptions {
  sandboxId: string;
  port: number;
}

const ENVD_PORT = 49983;

export function urlCommand(ctx: Context, run = runUrl): Command {
  return new Command('url')
    .description('Print the URL at which a port of the sandbox is reachable')
    .argument('<id>', 'sandbox ID')
    .argument('<port>', 'port inside the sandbox')
    .addHelpText(
      'after',
      `
Examples:
  $ e2b-ts sandbox url i1a2b3c4d5e6f7g8h9i0j 8080
  $ curl "$(e2b-ts sandbox url "$id" 3000)/api/health"`,
    )
    .action(async (id: string, port: string) => run({ sandboxId: parseSandboxId(id), port: parseInteger(port, 'port', 1, 65535) }, ctx));
}

export async function runUrl(opts: UrlOptions, ctx: Context): Promise<void> {
  const { Sandbox } = await ctx.client();
  const connection = await ctx.connection();
  const info = await Sandbox.getInfo(opts.sandboxId, { ...connection, signal: ctx.signal });
  let url: string;
  if (isLocal(ctx)) {
    // Local sandboxes share the host's network unless internet access is off; envd itself is
    // served by the daemon under a per-sandbox host name.
    if (opts.port === ENVD_PORT) {
      const daemon = new URL(connection.apiUrl!);
      url = `http://${ENVD_PORT}-${info.sandboxId}.localhost:${daemon.port}`;
    } else if (info.allowInternetAccess === false) {
      const { InvalidArgumentError } = await ctx.client();
      throw new InvalidArgumentError(`sandbox ${info.sandboxId} has no network (created with --no-internet), so its ports are unreachable`);
    } else {
      url = `http://localhost:${opts.port}`;
    }
  } else {
    const sandbox = new Sandbox(
      { sandboxId: info.sandboxId, templateId: info.templateId, envdVersion: info.envdVersion, ...(info.sandboxDomain ? { sandboxDomain: info.sandboxDomain } : {}) },
      (await import('../../../client/config.js')).resolveConfig(connection, ctx.env),
    );
    url = `https://${sandbox.getHost(opts.port)}`;
  }
  if (ctx.globals.json) printJson(ctx, { sandboxId: info.sandboxId, port: opts.port, url });
  else ctx.io.stdout.write(`${url}\n`);
}
