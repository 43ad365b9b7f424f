import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { ENVD_PORT } from '../../../protocol/envd.js';
import type { Context } from '../../context.js';
import { userOption } from '../../flags.js';
import { parseSandboxLocation } from '../../fs/location.js';
import { printJson } from '../../output.js';
import { parsePositiveDuration } from '../../parse.js';

export function urlCommand(ctx: Context, run = runUrl): CommandUnknownOpts {
  return new Command('url')
    .description('Print a signed URL that downloads (or, with --upload, uploads) one file with plain HTTP')
    .argument('<location>', 'SANDBOX:PATH')
    .option('--upload', 'a URL to POST the file to (multipart, form field "file")', false)
    .option('--expires <duration>', 'the URL stops working after this long (secured sandboxes)')
    .addOption(userOption('sandbox user the URL acts as'))
    .addHelpText(
      'after',
      '\nExamples:\n  $ curl -o report.pdf "$(e2b-ts fs url "$id":/home/user/report.pdf --expires 10m)"\n  $ curl -F file=@data.csv "$(e2b-ts fs url "$id":/home/user/data.csv --upload)"',
    )
    .action(async (location: string, o) =>
      run(
        {
          ...parseSandboxLocation(location, 'fs url'),
          upload: o.upload,
          ...(o.expires ? { expiresMs: parsePositiveDuration(o.expires, '--expires') } : {}),
          ...(o.user ? { user: o.user } : {}),
        },
        ctx,
      ),
    );
}

export async function runUrl(opts: { sandboxId: string; path: string; upload: boolean; expiresMs?: number; user?: string }, ctx: Context): Promise<void> {
  const sandbox = await ctx.sandbox(opts.sandboxId);
  const urlOpts = {
    ...(opts.user ? { user: opts.user } : {}),
    ...(opts.expiresMs !== undefined ? { useSignatureExpiration: Math.ceil(opts.expiresMs / 1000) } : {}),
  };
  const signed = opts.upload ? await sandbox.uploadUrl(opts.path, urlOpts) : await sandbox.downloadUrl(opts.path, urlOpts);
  const url = namedByHost(signed, opts.sandboxId);
  if (ctx.globals.json) printJson(ctx, { url, path: opts.path, upload: opts.upload });
  else ctx.io.stdout.write(`${url}\n`);
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * An unsigned link (an unsecured sandbox's) to a local backend names its sandbox in the host, as
 * E2B's `49983-<id>.<domain>` links do: the local backend routes sandbox traffic only by an
 * explicit sandbox ID, and a link cannot carry the `E2b-Sandbox-Id` header. Browsers and curl
 * resolve `*.localhost` to loopback themselves.
 */
export function namedByHost(link: string, sandboxId: string): string {
  const url = new URL(link);
  if (url.searchParams.has('signature') || !LOOPBACK.has(url.hostname)) return link;
  url.hostname = `${ENVD_PORT}-${sandboxId.split('-')[0]}.localhost`;
  return url.toString();
}
