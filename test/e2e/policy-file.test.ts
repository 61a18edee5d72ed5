import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../simulator';
import { MAX_POLICY_BYTES } from '../../src/policy/load';
import { CLEANUP_POLICY, mk } from '../support/fleet';
import { runHandler } from '../support/harness';

let sim: Simulator;
let dir: string;
beforeAll(async () => {
  sim = await startSimulator({ fleet: [mk('f', 'kafka-f', 'CREATEFAILED')] });
  dir = mkdtempSync(join(tmpdir(), 'dms-policy-file-'));
});
afterAll(async () => {
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => sim.clearRequests());

/** Runs the handler on a policy file path; it must refuse it before any call. */
async function refusal(policyFile: string): Promise<string> {
  const run = await runHandler(sim, { policyFile, env: { DRY_RUN: 'true' } });
  expect(run.error?.name).toBe('ConfigError');
  expect(sim.requests).toHaveLength(0);
  expect(run.summaries).toHaveLength(0);
  return run.error?.message ?? '';
}

/** Bytes this process has read through read(2) and friends, from procfs. */
function bytesRead(): number {
  const m = /^rchar: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
  return Number(m?.[1]);
}

/** CLEANUP_POLICY padded with comment lines to exactly `size` bytes. */
function padded(size: number): string {
  const line = `# ${'x'.repeat(97)}\n`;
  const body = CLEANUP_POLICY + line.repeat(Math.floor((size - CLEANUP_POLICY.length - 2) / 100));
  const text = `${body}#${'x'.repeat(size - body.length - 2)}\n`;
  expect(Buffer.byteLength(text)).toBe(size);
  return text;
}

describe('the policy file', () => {
  it('refuses a FIFO at once instead of waiting for a writer', { timeout: 5_000 }, async () => {
    const fifo = join(dir, 'fifo.yaml');
    execFileSync('mkfifo', [fifo]);
    expect(await refusal(fifo)).toMatch(`in ${fifo}:\n  (file): not a regular file (a FIFO)`);
  });

  it('refuses /dev/zero instead of reading forever', { timeout: 5_000 }, async () => {
    expect(await refusal('/dev/zero')).toMatch(
      'in /dev/zero:\n  (file): not a regular file (a character device)',
    );
  });

  it('refuses a directory, saying it is one', async () => {
    expect(await refusal(dir)).toMatch(`in ${dir}:\n  (file): not a regular file (a directory)`);
  });

  it.skipIf(!existsSync('/proc/self/io'))(
    'refuses a 1.5 GB file without reading it into memory',
    async () => {
      const big = join(dir, 'big.yaml');
      writeFileSync(big, '');
      truncateSync(big, 1.5 * 1024 ** 3); // sparse: costs no disk
      const before = bytesRead();
      expect(await refusal(big)).toMatch(`in ${big}:\n  (file): larger than 262144 bytes`);
      expect(bytesRead() - before).toBeLessThan(4 * 1024 * 1024);
    },
  );

  it.skipIf(!existsSync('/proc/kallsyms') || !existsSync('/proc/self/io'))(
    'stops reading at the limit a file whose size says 0 (procfs)',
    async () => {
      const before = bytesRead();
      expect(await refusal('/proc/kallsyms')).toMatch('(file): larger than 262144 bytes');
      expect(bytesRead() - before).toBeLessThan(MAX_POLICY_BYTES + 64 * 1024);
    },
  );

  it('accepts a file of exactly 256 KiB and refuses one byte more', async () => {
    expect(MAX_POLICY_BYTES).toBe(256 * 1024);
    const exact = join(dir, 'exact.yaml');
    writeFileSync(exact, padded(MAX_POLICY_BYTES));
    const ok = await runHandler(sim, { policyFile: exact, env: { DRY_RUN: 'true' } });
    expect(ok.error).toBeUndefined();
    expect(ok.result).toMatchObject({ policy: 'cleanup', dryRun: true, matched: 1 });

    sim.clearRequests();
    const over = join(dir, 'over.yaml');
    writeFileSync(over, padded(MAX_POLICY_BYTES + 1));
    expect(await refusal(over)).toMatch('(file): larger than 262144 bytes');
  });
});
