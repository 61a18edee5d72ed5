/**
 * `npx tsx bench/load.ts [--runs N] dist/index.js other.js ...`: what requiring
 * each file costs a cold process, over bare `node -e 0`. Each run starts one
 * fresh process per file and one bare one, in turn, so that a slow moment of
 * the machine falls on all of them; the medians are printed. An argument that
 * does not end in `.js` is run as code (`node -e`) instead. Beside the wall
 * time, each process's own CPU time (user and system, all its threads), which
 * other work on the machine disturbs less.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

interface Cold {
  wall: number;
  cpu: number;
}

function cold(code: string): Cold {
  const t = process.hrtime.bigint();
  const report = ";const u = process.cpuUsage(); process.stdout.write('\\n' + (u.user + u.system))";
  const r = spawnSync(process.execPath, ['-e', `${code}${report}`], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  const wall = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`node -e ${code}: exit ${r.status}`);
  return { wall, cpu: Number(r.stdout.split('\n').at(-1)) / 1000 };
}

const args = process.argv.slice(2);
const at = args.indexOf('--runs');
const runs = at >= 0 ? Number(args.splice(at, 2)[1]) : 21;
const codes = args.map((a) => (a.endsWith('.js') ? `require(${JSON.stringify(resolve(a))})` : a));
const bare: Cold[] = [];
const each = codes.map(() => [] as Cold[]);
for (let i = 0; i < runs; i++) {
  bare.push(cold('0'));
  for (const [k, c] of codes.entries()) each[k]?.push(cold(c));
}
const wall = (xs: Cold[]) => median(xs.map((x) => x.wall));
const cpu = (xs: Cold[]) => median(xs.map((x) => x.cpu));
const [bw, bc] = [wall(bare), cpu(bare)];
console.log(
  `bare node -e 0: ${bw.toFixed(1)} ms wall, ${bc.toFixed(1)} ms CPU (medians of ${runs}), node ${process.version}`,
);
args.forEach((a, k) => {
  const xs = each[k] ?? [];
  console.log(
    `${a}: ${(wall(xs) - bw).toFixed(1)} ms wall, ${(cpu(xs) - bc).toFixed(1)} ms CPU over bare`,
  );
});
