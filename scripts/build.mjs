// Builds dist/: the TypeScript compile of src/ (library, CLI, daemon), the bundled CLI that
// bin/e2b-ts.js runs (dist/bin/), and a self-contained bundle of the in-sandbox envd, which runs inside the isolation where only that one file
// and the node binary are mounted (the package's node_modules may not be visible there).
// The build goes to a staging folder that replaces dist/ only when everything succeeded, so a
// failed build never leaves a half-empty dist/ behind for running tests or daemons.
import { spawnSync } from 'node:child_process';
import { readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const dist = join(root, 'dist');
const staging = join(root, `dist.staging-${process.pid}`);

rmSync(staging, { recursive: true, force: true });
try {
  const tscBin = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
  const tsc = spawnSync(process.execPath, [tscBin, '-p', join(root, 'tsconfig.build.json'), '--outDir', staging], {
    stdio: 'inherit',
    cwd: root,
  });
  if (tsc.status !== 0) throw new Error('TypeScript compile failed');

  const esbuild = await import('esbuild');
  const bundle = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    legalComments: 'none',
    logLevel: 'warning',
    // Native addons load from node_modules at run time (prebuilt .node files cannot be bundled);
    // @lydell/node-pty finds its binary in a platform package of its own (@lydell/node-pty-linux-x64...).
    external: ['@lydell/node-pty', '@napi-rs/xattr', '@napi-rs/keyring'],
    // Some bundled dependencies are CommonJS and call require(); give the ESM bundles one.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  };
  await esbuild.build({
    ...bundle,
    entryPoints: [join(root, 'src/local/envd/main.ts')],
    outfile: join(staging, 'envd.mjs'),
    // the pty package and its platform binary package are mounted into the sandbox for envd by
    // the runtime (ptyMounts in bubblewrap.ts)
  });

  // The sandbox's sudo: node's built-ins only, so it starts fast (mounted at /run/e2b-bin/sudo.mjs).
  await esbuild.build({ ...bundle, banner: {}, entryPoints: [join(root, 'src/local/envd/sudo/client.ts')], outfile: join(staging, 'sudo.mjs') });

  // The CLI as one ESM bundle with lazily loaded chunks: a CLI pays its module loading on every
  // call, and one file loads faster than a few dozen (commands still load their heavy parts, the
  // client and connect, only when they run).
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  await esbuild.build({
    ...bundle,
    entryPoints: { cli: join(root, 'src/cli/main.ts') },
    outdir: join(staging, 'bin'),
    splitting: true,
    define: { __E2B_TS_VERSION__: JSON.stringify(version) },
  });

  // `--version` and every `--help` are answered by a tiny module without the command tree
  // (src/cli/quick.ts); its help texts are what the bundle just built prints (src/cli/help-texts.ts).
  const help = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      'const m = await import(process.argv[1]); process.stdout.write(JSON.stringify(m.helpTree()));',
      pathToFileURL(join(staging, 'bin', 'cli.js')).href,
    ],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * 1024 * 1024 },
  );
  const tree = help.status === 0 ? JSON.parse(help.stdout) : undefined;
  if (!tree?.h?.startsWith('Usage: e2b-ts') || !tree.c?.sandbox?.c?.ls?.h) throw new Error('the built CLI did not print its help texts');
  // CommonJS, for bin/e2b-ts.js to require without starting the ES module loader
  await esbuild.build({
    ...bundle,
    format: 'cjs',
    banner: {},
    entryPoints: [join(root, 'src/cli/quick.ts')],
    outfile: join(staging, 'bin', 'quick.cjs'),
    define: { __E2B_TS_VERSION__: JSON.stringify(version), __E2B_TS_HELP__: JSON.stringify(JSON.stringify(tree)) },
  });

  const old = `${dist}.old-${process.pid}`;
  try {
    renameSync(dist, old);
  } catch {
    // no previous build
  }
  renameSync(staging, dist);
  rmSync(old, { recursive: true, force: true });
} catch (error) {
  rmSync(staging, { recursive: true, force: true });
  console.error(`build failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
