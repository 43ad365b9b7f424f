import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { SandboxCreateOpts } from '../../../client/sandbox-api.js';
import { isLocal, type Context } from '../../context.js';
import { printJson, success } from '../../output.js';
import { allowOutOption, denyOutOption, envOption, lifetimeOption, metadataOption, volumeOption } from '../../flags.js';
import { checkTargets } from './network.js';
import { parseVolumeMounts, requireMountedVolumes } from '../volume/shared.js';

export interface CreateOptions {
  template?: string;
  timeoutMs?: number;
  metadata?: Record<string, string>;
  /** Mount path → volume name (`--volume`). */
  volumeMounts?: Record<string, string>;
  envs?: Record<string, string>;
  secure: boolean;
  internet: boolean;
  onTimeout?: 'kill' | 'pause';
  autoResume: boolean;
  allowOut?: string[];
  denyOut?: string[];
  /** False: the sandbox's ports want its traffic access token (allowPublicTraffic: false). */
  publicTraffic?: boolean;
}

export function createCommand(ctx: Context, run = runCreate): CommandUnknownOpts {
  return new Command('create')
    .description('Create a sandbox and print its ID')
    .argument('[template]', 'template name or ID', undefined)
    .addOption(lifetimeOption('lifetime of the sandbox (90, 90s, 5m, 1h)'))
    .addOption(metadataOption())
    .addOption(envOption('environment variable of every process (repeatable)'))
    .option('--no-secure', 'do not require an access token for the sandbox (envd)')
    .option('--no-internet', 'cut the sandbox off from the internet (but --allow-out)')
    .addOption(allowOutOption())
    .addOption(denyOutOption())
    .option('--no-public-traffic', 'port URLs answer only requests with the traffic access token (a secret the CLI never prints; use `sandbox port-forward`)')
    .addOption(new Option('--on-timeout <action>', 'what happens when the timeout passes').choices(['kill', 'pause']))
    .addOption(volumeOption())
    .option('--auto-resume', 'resume automatically when traffic reaches the paused sandbox (needs --on-timeout pause)', false)
    .addHelpText(
      'after',
      `
Examples:
  $ e2b-ts sandbox create
  $ e2b-ts sandbox create base --timeout 1h --metadata owner=ci --env DEBUG=1
  $ e2b-ts sandbox create --deny-out 0.0.0.0/0 --allow-out 10.0.0.0/8
  $ e2b-ts sandbox create --volume data:/mnt/data
  $ id=$(e2b-ts sandbox create --local) && e2b-ts sandbox info "$id"`,
    )
    .action(async (template, o) => {
      const opts: CreateOptions = {
        timeoutMs: o.timeout,
        secure: o.secure,
        internet: o.internet,
        autoResume: o.autoResume,
      };
      if (template) opts.template = template;
      if (o.metadata) opts.metadata = o.metadata;
      if (o.env) opts.envs = o.env;
      if (o.onTimeout) opts.onTimeout = o.onTimeout;
      if (o.allowOut) opts.allowOut = o.allowOut;
      if (o.denyOut) opts.denyOut = o.denyOut;
      if (o.publicTraffic === false) opts.publicTraffic = false;
      const volumeMounts = parseVolumeMounts(o.volume);
      if (volumeMounts) opts.volumeMounts = volumeMounts;
      await run(opts, ctx);
    });
}

export async function runCreate(opts: CreateOptions, ctx: Context): Promise<void> {
  const { Sandbox, InvalidArgumentError } = await ctx.client();
  if (opts.autoResume && opts.onTimeout !== 'pause') {
    throw new InvalidArgumentError('--auto-resume needs --on-timeout pause');
  }
  const create: SandboxCreateOpts = {
    secure: opts.secure,
    allowInternetAccess: opts.internet,
  };
  if (opts.template) create.template = opts.template;
  if (opts.volumeMounts) create.volumeMounts = opts.volumeMounts;
  await requireMountedVolumes(ctx, opts.volumeMounts);
  if (opts.timeoutMs !== undefined) create.timeoutMs = opts.timeoutMs;
  if (opts.metadata) create.metadata = opts.metadata;
  if (opts.envs) create.envs = opts.envs;
  if (opts.onTimeout) create.lifecycle = { onTimeout: opts.onTimeout, autoResume: opts.autoResume };
  checkTargets('--allow-out', opts.allowOut);
  checkTargets('--deny-out', opts.denyOut);
  if (opts.allowOut || opts.denyOut || opts.publicTraffic === false) {
    create.network = {
      ...(opts.allowOut ? { allowOut: opts.allowOut } : {}),
      ...(opts.denyOut ? { denyOut: opts.denyOut } : {}),
      ...(opts.publicTraffic === false ? { allowPublicTraffic: false } : {}),
    };
  }
  const connection = await ctx.connection();
  const spinner = await ctx.spinner(`Creating sandbox${opts.template ? ` from ${opts.template}` : ''}`);
  try {
    const sandbox = await Sandbox.create({ ...connection, ...create, signal: ctx.signal });
    spinner.stop();
    if (ctx.globals.json) {
      printJson(ctx, await sandbox.getInfo({ signal: ctx.signal }));
    } else {
      ctx.io.stdout.write(`${sandbox.sandboxId}\n`);
      success(ctx, `Created sandbox ${sandbox.sandboxId}${isLocal(ctx) ? ' on the local backend' : ''}`);
    }
  } catch (error) {
    spinner.fail();
    throw error;
  }
}
