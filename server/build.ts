// `npm run build -w server` (and the root `npm run build`): the production server as plain
// JavaScript in server/dist, started with `node server/dist/main.js`.
//
// Why esbuild and not tsc: @warmline/contract is TypeScript source that packages import by name
// (its package.json exports src/index.ts); tsc would emit `import '@warmline/contract'` unchanged
// and Node would then load a .ts file from node_modules, which it refuses. esbuild bundles our
// own code and the contract into one ESM file per entry point and leaves every npm package
// external (imported from node_modules at run time, as under tsx): native addons
// (@livekit/rtc-node), PGlite's WASM and data files stay where their packages look for them.
// Type checking stays with `npm run typecheck` (esbuild only strips types).
//
// store/migrate.ts reads ./migrations next to its own module: in the bundle that is
// dist/migrations, so the SQL files are copied there. app.ts finds web/dist two levels up from
// its module, the same from server/src and from server/dist.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const SERVER = path.dirname(fileURLToPath(import.meta.url));

/** Bare imports stay imports, except our own workspace packages (TypeScript source): bundled. */
const externalPackages: Plugin = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@warmline/')) return undefined;
      return { path: args.path, external: true };
    });
  },
};

export async function buildServer(outdir = path.join(SERVER, 'dist')): Promise<string> {
  fs.rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: { main: path.join(SERVER, 'src/main.ts'), 'add-agent': path.join(SERVER, 'src/cli/add-agent.ts') },
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    sourcemap: 'linked', // stack traces with `node --enable-source-maps`
    sourcesContent: false,
    plugins: [externalPackages],
    logLevel: 'warning',
  });
  fs.cpSync(path.join(SERVER, 'src/store/migrations'), path.join(outdir, 'migrations'), { recursive: true });
  return path.join(outdir, 'main.js');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const main = await buildServer();
  console.log(`[warmline] server built: ${path.relative(process.cwd(), main)} (start with: NODE_ENV=production node ${path.relative(process.cwd(), main)})`);
}
