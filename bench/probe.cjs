// One cold process: load the bundle, run one dry-run invocation, report.
const t0 = process.hrtime.bigint();
const { createHandler } = require('../dist/index.js');
const t1 = process.hrtime.bigint();
const handler = createHandler({ destination: { write() {} }, env: process.env });
handler({ policy: process.env.BENCH_POLICY }, undefined).then(
  (summary) => {
    const t2 = process.hrtime.bigint();
    process.stdout.write(
      JSON.stringify({
        requireMs: Number(t1 - t0) / 1e6,
        invokeMs: Number(t2 - t1) / 1e6,
        maxRssMiB: process.resourceUsage().maxRSS / 1024,
        listed: summary.listed,
        matched: summary.matched,
      }),
    );
  },
  (e) => {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  },
);
