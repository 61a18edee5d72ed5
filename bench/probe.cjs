// One cold process: load the bundle, run one dry-run invocation, report.
const t0 = process.hrtime.bigint();
const { createHandler } = require('../dist/index.js');
const t1 = process.hrtime.bigint();
const handler = createHandler({ destination: { write() {} }, env: process.env });
handler({ policy: process.env.BENCH_POLICY }, undefined).then(
  (summary) => {
    const t2 = process.hrtime.bigint();
    const m = process.memoryUsage();
    process.stdout.write(
      JSON.stringify({
        requireMs: Number(t1 - t0) / 1e6,
        invokeMs: Number(t2 - t1) / 1e6,
        rssMiB: m.rss / 2 ** 20,
        heapUsedMiB: m.heapUsed / 2 ** 20,
        listed: summary.listed,
      }),
    );
  },
  (e) => {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  },
);
