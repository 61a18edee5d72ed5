import madge from 'madge';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * One invocation's path, from the platform's call to the first write, as
 * docs/layout.md lists it: each file is passed once, and calls only files
 * further down. `imports` are the next steps each file must take.
 */
const PATH: ReadonlyArray<{ file: string; imports: readonly string[] }> = [
  { file: 'handlers/index.ts', imports: ['handlers/shim.ts', 'src/invocation/handle.ts'] },
  { file: 'handlers/shim.ts', imports: ['handlers/functiongraph.ts', 'handlers/lambda.ts'] },
  { file: 'handlers/functiongraph.ts', imports: [] },
  { file: 'handlers/lambda.ts', imports: [] },
  { file: 'src/invocation/handle.ts', imports: ['src/invocation/invoke.ts'] },
  {
    file: 'src/invocation/invoke.ts',
    imports: ['src/invocation/accounts.ts', 'src/invocation/targets.ts', 'src/invocation/run.ts'],
  },
  { file: 'src/invocation/accounts.ts', imports: ['src/invocation/targets.ts'] },
  { file: 'src/invocation/targets.ts', imports: ['src/invocation/run.ts'] },
  { file: 'src/invocation/run.ts', imports: ['src/act/campaign.ts', 'src/act/cleanup.ts'] },
  { file: 'src/act/campaign.ts', imports: ['src/act/wave.ts'] },
  { file: 'src/act/wave.ts', imports: ['src/act/marking.ts', 'src/act/engine.ts'] },
  { file: 'src/act/cleanup.ts', imports: ['src/act/engine.ts'] },
  { file: 'src/act/marking.ts', imports: [] },
  { file: 'src/act/engine.ts', imports: [] },
  { file: 'src/dms/client.ts', imports: ['src/dms/writes.ts'] },
  { file: 'src/dms/writes.ts', imports: [] },
];

/**
 * The layers of docs/layout.md, top first: a file may import its own layer
 * and the ones below it, never one above.
 */
const LAYERS: ReadonlyArray<readonly string[]> = [
  ['handlers'],
  ['src/invocation'],
  ['src/act'],
  ['src/plan'],
  ['src/policy'],
  ['src/dms', 'src/iam', 'src/notify', 'src/issues.ts'],
  ['src/cloud'],
  ['src/exec', 'src/errors.ts'],
  ['src/report'],
];

function layerOf(file: string): number {
  return LAYERS.findIndex((l) => l.some((p) => file === p || file.startsWith(`${p}/`)));
}

let graph: Record<string, string[]>;

beforeAll(async () => {
  const res = await madge(['handlers', 'src'], {
    baseDir: '.',
    fileExtensions: ['ts'],
    tsConfig: 'tsconfig.json',
  });
  graph = res.obj();
}, 30_000);

/** Every file `from` imports, directly or through others. */
function reach(from: string): Set<string> {
  const seen = new Set<string>();
  const todo = [...(graph[from] ?? [])];
  for (let f = todo.pop(); f !== undefined; f = todo.pop()) {
    if (seen.has(f)) continue;
    seen.add(f);
    todo.push(...(graph[f] ?? []));
  }
  return seen;
}

describe("one invocation's path through the files", () => {
  it('has every file on it, each taking the next steps docs/layout.md names', () => {
    for (const { file, imports } of PATH) {
      expect(graph[file], file).toBeDefined();
      for (const next of imports) expect(graph[file], `${file} -> ${next}`).toContain(next);
    }
  });

  it('never leads back up: no file on it reaches, by any import, a file above it', () => {
    const back: string[] = [];
    PATH.forEach(({ file }, i) => {
      const below = reach(file);
      for (const above of PATH.slice(0, i + 1)) {
        if (below.has(above.file)) back.push(`${file} -> ${above.file}`);
      }
    });
    expect(back).toEqual([]);
  });
});

describe('the layers', () => {
  it('places every file of handlers/ and src/ in a layer', () => {
    expect(Object.keys(graph).filter((f) => layerOf(f) < 0)).toEqual([]);
  });

  it('has no import that runs from a lower layer back up to a higher one', () => {
    const up = Object.entries(graph).flatMap(([file, deps]) =>
      deps.filter((d) => layerOf(d) < layerOf(file)).map((d) => `${file} -> ${d}`),
    );
    expect(up).toEqual([]);
  });
});

describe('the core', () => {
  /** What src/plan/ may reach: data, its shapes, and pure helpers; no client, logger, clock or effect. */
  const PURE = [
    'src/plan/',
    'src/policy/',
    'src/dms/wire.ts',
    'src/dms/status.ts',
    'src/cloud/endpoint.ts',
    'src/cloud/regions.ts',
    'src/iam/limits.ts',
    'src/errors.ts',
    'src/issues.ts',
    'src/report/records.ts',
  ];

  it('reaches, by any chain of imports, nothing but data and pure functions', () => {
    const core = Object.keys(graph).filter((f) => f.startsWith('src/plan/'));
    expect(core.length).toBeGreaterThan(5);
    const reached = new Set(core.flatMap((f) => [...reach(f)]));
    const impure = [...reached].filter((f) => !PURE.some((p) => f === p || f.startsWith(p)));
    expect(impure.sort()).toEqual([]);
  });
});
