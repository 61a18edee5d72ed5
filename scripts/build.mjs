// Bundles the handler and everything it imports into one CommonJS file,
// dist/index.js (handler string `index.handler`), and the SDK core into
// dist/sdk.js, loaded on the first API call. `npm run package`
// (scripts/package.ts) then puts them beside a policy file in dist/function/
// and dist/function.zip, the code root that deploy/terraform and
// serverless.yml deploy. The command line goes to dist/cli.js.
//
// Stand-ins (scripts/stubs/) replace packages a run never needs whole:
// - `debug`: through it, follow-redirects printed every request's headers,
//   credentials included, when DEBUG is set; agent-base and
//   https-proxy-agent log through it too. Here it is always off.
// - `log4js`: core's logger, which prints credentials on failed calls and
//   which we switch off anyway; with it go fs-extra, streamroller, date-format.
// - `follow-redirects`: axios's transport for requests that may follow a
//   redirect. Every call here sets maxRedirects: 0 and goes through Node's
//   http and https; the stand-in refuses any other.
// - `moment` and `lodash`: core calls one date format and three helpers;
//   `form-data`: axios's multipart support, with mime-types and mime-db.
//   These three buy only time, kept because the first run's cold-start
//   target (load and a first dry run, 250 ms over bare node) fails without
//   them: docs/dependencies.md has the figures.
// What each remaining package costs at load: docs/benchmarks.md.
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { sep } from 'node:path';
import { build } from 'esbuild';

/**
 * Text patches to packages in dist/sdk.js. Each text must occur exactly
 * once, or the build fails: a new version must be looked at again.
 *
 * axios, two places where it makes Node load undici at load (about 25 ms
 * of dist/sdk.js's load, kept for the first run's cold-start target, see
 * docs/dependencies.md) for features this project never uses (core goes
 * through axios's http adapter):
 * - `getFetch();` warms a cache for the fetch adapter, which still builds
 *   it on first use;
 * - `FormDataCtor` reads globalThis.FormData; without it `isFormData` keeps
 *   its own duck-typed check.
 *
 * The SDK core's signer orders the canonical headers with localeCompare,
 * whose first call sets up ICU's collator: about 12 ms on the first signed
 * request. Header names of lower-case letters, digits and `-` (every name
 * core signs) are compared by code unit instead: the order core gives the
 * SignedHeaders list and the server sorts by. In the root and English
 * collations (and most others) that is the order localeCompare gave; in a
 * few (a Danish, Czech or Lithuanian default locale) it was not, and the
 * canonical headers could then disagree with SignedHeaders. Any other name
 * still goes through localeCompare.
 */
const HEADER_NAME = '/^[a-z0-9-]*$/';
const PATCHES = [
  {
    file: /[\\/]axios[\\/]dist[\\/]node[\\/]axios\.cjs$/,
    replace: [
      ['\ngetFetch();\n', '\n'],
      [
        "const FormDataCtor = typeof G.FormData !== 'undefined' ? G.FormData : undefined;",
        'const FormDataCtor = undefined;',
      ],
    ],
  },
  {
    file: /[\\/]@huaweicloud[\\/]huaweicloud-sdk-core[\\/]auth[\\/]AKSKSigner\.js$/,
    replace: [
      [
        'headers.sort((a, b) => a.key.toLocaleLowerCase().localeCompare(b.key.toLocaleLowerCase()));',
        `headers.sort((a, b) => { const x = a.key.toLocaleLowerCase(), y = b.key.toLocaleLowerCase(); return ${HEADER_NAME}.test(x) && ${HEADER_NAME}.test(y) ? (x < y ? -1 : x > y ? 1 : 0) : x.localeCompare(y); });`,
      ],
    ],
  },
];

const patchSources = {
  name: 'patch-sources',
  setup(b) {
    for (const { file, replace } of PATCHES) {
      b.onLoad({ filter: file }, async (args) => {
        let text = await readFile(args.path, 'utf8');
        for (const [from, to] of replace) {
          if (text.split(from).length !== 2) {
            throw new Error(`expected exactly one ${JSON.stringify(from)} in ${args.path}`);
          }
          text = text.replace(from, () => to);
        }
        return { contents: text, loader: 'js' };
      });
    }
  },
};

/**
 * The SDK core, axios under it, and their dependencies go to their own file,
 * dist/sdk.js, which src/cloud/core.ts loads on the first API call: loading
 * the handler does not parse them, and a run that stops on a bad input never
 * does.
 */
const sdkApart = {
  name: 'sdk-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/sdk\.js$/ }, (args) =>
      args.importer.endsWith(`cloud${sep}core.ts`)
        ? { path: './sdk.js', external: true }
        : undefined,
    );
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  // No keepNames: esbuild would wrap every named function, closures made
  // on each call included, in a call that redefines its `name`, which cost
  // about 10 ms of a cold start. Our errors name themselves (`override
  // name`), as do the SDK core's, axios's, zod's and yaml's.
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
  alias: {
    debug: './scripts/stubs/debug.cjs',
    log4js: './scripts/stubs/log4js.cjs',
    moment: './scripts/stubs/moment.cjs',
    lodash: './scripts/stubs/lodash.cjs',
    'form-data': './scripts/stubs/form-data.cjs',
    'follow-redirects': './scripts/stubs/follow-redirects.cjs',
  },
};
const [main, sdk] = await Promise.all([
  build({
    ...common,
    entryPoints: ['handlers/index.ts'],
    outfile: 'dist/index.js',
    plugins: [sdkApart],
    // `import('./sdk.js')` becomes a require(): Node's ESM loader would
    // otherwise lex the whole chunk again to find its exports.
    supported: { 'dynamic-import': false },
  }),
  build({
    ...common,
    entryPoints: ['src/cloud/sdk.ts'],
    outfile: 'dist/sdk.js',
    plugins: [patchSources],
  }),
]);
// Build messages go to stderr: `npm start` keeps stdout for JSON lines.
for (const r of [main, sdk]) {
  for (const [file, o] of Object.entries(r.metafile.outputs)) {
    if (o.entryPoint) process.stderr.write(`${file} ${(o.bytes / 1024).toFixed(0)} KiB\n`);
  }
}
// Kept for anyone asking where the bytes come from.
await writeFile('dist/meta.json', JSON.stringify({ main: main.metafile, sdk: sdk.metafile }));

// The command line: a tool for people and CI jobs, never deployed. It loads
// dist/sdk.js beside it, like the handler.
await build({
  ...common,
  entryPoints: ['cli/index.ts'],
  outfile: 'dist/cli.js',
  // commander names its errors after their classes.
  keepNames: true,
  plugins: [sdkApart],
  supported: { 'dynamic-import': false },
  banner: { js: '#!/usr/bin/env node' },
});
await chmod('dist/cli.js', 0o755);
