import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { findVolume, parseVolumeLocation } from './shared.js';

export function catCommand(ctx: Context, run = runVolumeCat): CommandUnknownOpts {
  return new Command('cat')
    .description("Write a volume file's bytes to stdout")
    .argument('<location>', 'VOLUME:PATH')
    .action(async (location: string) => run(parseVolumeLocation(location, 'volume cat'), ctx));
}

export async function runVolumeCat(opts: { volume: string; path: string }, ctx: Context): Promise<void> {
  const volume = await findVolume(ctx, opts.volume);
  const stream = await volume.readFile(opts.path, { format: 'stream', signal: ctx.signal });
  const { Readable } = await import('node:stream');
  const { pipeline } = await import('node:stream/promises');
  await pipeline(Readable.fromWeb(stream as import('node:stream/web').ReadableStream<Uint8Array>), ctx.io.stdout, { end: false });
}
