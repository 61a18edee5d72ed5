// Bundles the handler and everything it imports into one CommonJS file,
// dist/index.js, so FunctionGraph loads a single file at cold start
// (handler string `index.handler`). `npm run package` (scripts/package.ts)
// then puts it beside a policy file in dist/function/ and dist/function.zip,
// the code root that deploy/terraform and serverless.yml deploy.
//
// `debug` is replaced by a no-op: through it, follow-redirects prints every
// request's headers, credentials included, when DEBUG is set.
import { chmod } from 'node:fs/promises';
import { build } from 'esbuild';

const result = await build({
  entryPoints: ['handlers/index.ts'],
  outfile: 'dist/index.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  keepNames: true,
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
  alias: { debug: './scripts/stubs/debug.cjs' },
});
const bytes = Object.values(result.metafile.outputs).find((o) => o.entryPoint)?.bytes ?? 0;
// Build messages go to stderr: `npm start` keeps stdout for JSON lines.
process.stderr.write(`dist/index.js ${(bytes / 1024).toFixed(0)} KiB\n`);

// The command line, dist/cli.js: a tool for people and CI jobs, not deployed.
await build({
  entryPoints: ['cli/index.ts'],
  outfile: 'dist/cli.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  keepNames: true,
  sourcemap: 'linked',
  logLevel: 'warning',
  alias: { debug: './scripts/stubs/debug.cjs' },
  banner: { js: '#!/usr/bin/env node' },
});
await chmod('dist/cli.js', 0o755);
