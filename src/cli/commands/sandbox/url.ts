import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { printJson } from '../../output.js';
import { parseInteger, parseSandboxId } from '../../parse.js';

export interface UrlOptions {
  sandboxId: string;
  port: number;
}

export function urlCommand(ctx: Context, run = runUrl): CommandUnknownOpts {
  return new Command('url')
    .description('Print the URL at which a port of the sandbox is reachable')
    .argument('<id>', 'sandbox ID')
    .argument('<port>', 'port inside the sandbox')
    .addHelpText(
      'after',
      `
The local backend serves every sandbox port at http://<port>-<id>.localhost:<backend port>
(HTTP and WebSocket); E2B at https://<port>-<id>.<domain>. For other protocols (databases,
SSH) use \`e2b-ts sandbox port-forward\`.

Examples:
  $ e2b-ts sandbox url i1a2b3c4d5e6f7g8h9i0j 8080
  $ curl "$(e2b-ts sandbox url "$id" 3000)/api/health"`,
    )
    .action(async (id: string, port: string) => run({ sandboxId: parseSandboxId(id), port: parseInteger(port, 'port', 1, 65535) }, ctx));
}

export async function runUrl(opts: UrlOptions, ctx: Context): Promise<void> {
  const { Sandbox } = await ctx.client();
  const { isLoopbackDomain, resolveConfig, sandboxScheme } = await import('../../../client/config.js');
  const connection = await ctx.connection();
  const info = await Sandbox.getInfo(opts.sandboxId, { ...connection, signal: ctx.signal });
  const config = resolveConfig(connection, ctx.env);
  // The sandbox's domain (the local backend's `localhost:<port>`, or E2B's) decides host and scheme.
  const sandbox = new Sandbox(
    {
      sandboxId: info.sandboxId,
      templateId: info.templateId,
      envdVersion: info.envdVersion,
      ...(info.sandboxDomain ? { sandboxDomain: info.sandboxDomain } : {}),
    },
    config,
  );
  // A sandbox of the local backend (its domain is `localhost:<port>`) is served there, even with
  // E2B_DEBUG set: debug mode's `localhost:<port>` is the host's own port, not the sandbox's.
  const local = info.sandboxDomain !== undefined && isLoopbackDomain(info.sandboxDomain);
  const url = local
    ? `http://${opts.port}-${info.sandboxId}.${info.sandboxDomain}`
    : `${sandboxScheme(config, sandbox.sandboxDomain)}://${sandbox.getHost(opts.port)}`;
  if (ctx.globals.json) printJson(ctx, { sandboxId: info.sandboxId, port: opts.port, url });
  else ctx.io.stdout.write(`${url}\n`);
}
