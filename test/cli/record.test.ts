/**
 * `fleet --record DIR` and `simulator --from DIR`, through the built command
 * line: a fleet recorded from the simulator and served again gives the same
 * listing and the same plan, with ids hashed consistently when asked; no
 * credential reaches the folder; a bad folder is named.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  generateFleet,
  loadRecording,
  type SimKafka,
  type Simulator,
  startSimulator,
} from '../../simulator';
import { cli, jsonLines } from '../support/cli';
import { staging } from '../support/fleet';
import { simEnv, writePolicyFile } from '../support/harness';

const sims: Simulator[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) c.kill('SIGTERM');
  await Promise.all(sims.splice(0).map((s) => s.stop()));
});

const newDir = () => join(mkdtempSync(join(tmpdir(), 'dms-record-')), 'fixture');

const POLICY = `version: 1
defaults:
  exclude: { tags: { maintenance-protect: "true" } }
policies:
  restart:
    action: restart
    select: { tags: { env: staging } }
    kafkaChecks: true
    batchSize: 50
    maxInstances: 200
  cleanup:
    action: cleanup-failed
    select: { tags: { env: { present: true } } }
    maxInstances: 200
`;

/** 80 instances (two listing pages) and Kafka of every kind the pre-flight tells apart. */
function variedFleet() {
  const fleet = generateFleet({ size: 80, seed: 5 });
  const ids = fleet
    .filter((i) => i.status === 'RUNNING' && i.tags.some((t) => t.value === 'staging'))
    .filter((i) => !i.tags.some((t) => t.key === 'maintenance-protect'))
    .map((i) => i.instance_id);
  const kinds: Partial<SimKafka>[] = [
    { brokenBroker: 1 },
    { unlisted: [2] },
    { outOfSync: 4 },
    {
      topics: [
        { name: 'solo', replication: 1, partitions: 2 },
        { name: 'wide', replication: 3, partitions: 6 },
      ],
    },
    // Two pages of topics.
    {
      brokers: 5,
      topics: Array.from({ length: 60 }, (_, n) => ({
        name: `topic-${n}`,
        replication: 3,
        partitions: 2,
      })),
    },
  ];
  const kafka: Record<string, Partial<SimKafka>> = {};
  kinds.forEach((k, n) => {
    kafka[ids[n] as string] = k;
  });
  return { fleet, kafka };
}

/** Plan lines without what differs from run to run. */
function planOf(stdout: string): string {
  return JSON.stringify(
    jsonLines(stdout).map(({ time: _, durationMs: __, invocationId: ___, ...rest }) => rest),
  );
}

async function planAndList(env: Record<string, string>, file: string) {
  const plan = await cli(['plan', '--all', '--json', '-f', file], env);
  expect(plan.code, plan.stderr).toBe(0);
  const fleet = await cli(['fleet', '--json'], env);
  expect(fleet.code, fleet.stderr).toBe(0);
  return { plan: planOf(plan.stdout), fleet: fleet.stdout };
}

/** Every file under `dir`, with its path relative to it. */
function filesIn(dir: string, under = ''): Array<{ path: string; text: string }> {
  return readdirSync(join(dir, under)).flatMap((name) => {
    const rel = join(under, name);
    return statSync(join(dir, rel)).isDirectory()
      ? filesIn(dir, rel)
      : [{ path: rel, text: readFileSync(join(dir, rel), 'utf8') }];
  });
}

/** `simulator --from DIR` as a person starts it; the environment its export lines give. */
async function serveFrom(dir: string): Promise<Record<string, string>> {
  const child = spawn(process.execPath, [resolve('dist/cli.js'), 'simulator', '--from', dir], {
    env: { PATH: process.env.PATH ?? '' },
  });
  children.push(child);
  let out = '';
  await new Promise<void>((ok, no) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('IAM_ENDPOINT')) ok();
    });
    child.once('exit', (code) => no(new Error(`simulator --from exited ${code}`)));
  });
  const env: Record<string, string> = { DMS_RETRY_BASE_MS: '5', DMS_REQUEST_TIMEOUT_MS: '2000' };
  for (const m of out.matchAll(/^export (\w+)=(.*)$/gm)) env[m[1] as string] = m[2] as string;
  return env;
}

describe('fleet --record, then simulator --from', () => {
  it('serves the recorded fleet: the same listing, the same plan, every page and topic page kept', async () => {
    const { fleet, kafka } = variedFleet();
    const sim = await startSimulator({ fleet, kafka });
    sims.push(sim);
    const file = writePolicyFile(POLICY);
    const dir = newDir();
    const recorded = await cli(['fleet', '--record', dir], simEnv(sim));
    expect(recorded.code, recorded.stderr).toBe(0);
    expect(recorded.stderr).toMatch(/recorded 80 instances \(2 listing pages\), 80 ShowInstance/);
    // Only reads went out.
    expect(sim.requests.every((r) => r.method === 'GET')).toBe(true);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ version: 1, projectId: sim.projectId, failures: [] });
    const wide = Object.keys(kafka)[4] as string;
    const topics = JSON.parse(readFileSync(join(dir, 'topics', `${wide}.json`), 'utf8'));
    expect(topics.topics).toHaveLength(60);

    const before = await planAndList(simEnv(sim), file);
    expect(before.plan).toMatch(/broker 1 of 3 not healthy/);
    expect(before.plan).toMatch(/1 of 3 brokers missing/);
    expect(before.plan).toMatch(/4 of \d+ replicas out of sync/);
    expect(before.plan).toMatch(/1 topic with one replica \(solo\)/);
    expect(before.plan).toMatch(/5 of 5 brokers healthy, 360 of 360 replicas in sync/);

    const served = await serveFrom(dir);
    expect(served.HUAWEICLOUD_SDK_PROJECT_ID).toBe(sim.projectId);
    expect(await planAndList(served, file)).toEqual(before);
  });

  it('with --hash-ids: every id replaced, the same way in every file, and the same plan under the map', async () => {
    const { fleet, kafka } = variedFleet();
    const sim = await startSimulator({ fleet, kafka });
    sims.push(sim);
    const file = writePolicyFile(POLICY);
    const dir = newDir();
    const recorded = await cli(['fleet', '--record', dir, '--hash-ids'], simEnv(sim));
    expect(recorded.code, recorded.stderr).toBe(0);
    const { manifest, fleet: hashed } = loadRecording(dir);
    expect(manifest.hashed).toEqual({ ids: true, names: false });
    // Names are kept: they pair each hashed id with its own.
    const byName = new Map(hashed.map((i) => [i.name, i.instance_id]));
    const map = new Map(fleet.map((i) => [i.instance_id, byName.get(i.name) ?? '']));
    map.set(sim.projectId, manifest.projectId);
    for (const i of fleet) {
      if (i.enterprise_project_id !== '0') {
        const same = hashed.find((h) => h.name === i.name)?.enterprise_project_id;
        map.set(i.enterprise_project_id, same ?? '');
      }
    }
    expect(new Set(map.values()).size).toBe(map.size);
    for (const [id, h] of map) {
      expect(h).toMatch(/^[0-9a-f-]+$/);
      expect(h).toHaveLength(id.length);
      expect(h).not.toBe(id);
    }
    // No id is left anywhere: not in a body, not in a file name.
    for (const f of filesIn(dir)) {
      for (const id of map.keys()) {
        expect(f.path.includes(id) || f.text.includes(id), `${id} in ${f.path}`).toBe(false);
      }
    }
    const before = await planAndList(simEnv(sim), file);
    const replaced = (text: string) => {
      let out = text;
      for (const [id, h] of map) out = out.split(id).join(h);
      return out;
    };
    const served = await serveFrom(dir);
    expect(served.HUAWEICLOUD_SDK_PROJECT_ID).toBe(manifest.projectId);
    const after = await planAndList(served, file);
    expect(after.plan).toBe(replaced(before.plan));
    expect(after.fleet).toBe(replaced(before.fleet));
  });

  it('with --hash-names: each instance and topic name is one stable hash wherever it is a name', async () => {
    const sim = await startSimulator({
      fleet: staging(2),
      kafka: { 'stg-000': { topics: [{ name: 'orders', replication: 3, partitions: 3 }] } },
    });
    sims.push(sim);
    const dir = newDir();
    const r = await cli(['fleet', '--record', dir, '--hash-names'], simEnv(sim));
    expect(r.code, r.stderr).toBe(0);
    const listed = JSON.parse(readFileSync(join(dir, 'instances.json'), 'utf8')).instances;
    const shown = JSON.parse(readFileSync(join(dir, 'shown', 'stg-000.json'), 'utf8'));
    const topics = JSON.parse(readFileSync(join(dir, 'topics', 'stg-000.json'), 'utf8')).topics;
    expect(listed[1].instance_id).toBe('stg-000');
    expect(listed[1].name).toMatch(/^name-[0-9a-f]{12}$/);
    expect(shown.name).toBe(listed[1].name);
    expect(topics[0].name).toMatch(/^name-[0-9a-f]{12}$/);
    expect(listed[0].name).not.toBe(listed[1].name);
    for (const f of filesIn(dir)) expect(f.text).not.toMatch(/kafka-stg-|"orders"/);
    // Tags are kept: policies select by them.
    expect(listed[1].tags).toContainEqual({ key: 'env', value: 'staging' });
  });
});

describe('fleet --record keeps no credential', () => {
  it('writes no key, token or signed header, even where DMS repeats them', async () => {
    const ak = 'RECORDTESTAK00000000001';
    const sk = 'recordTestSecretKey0000000000000000000001';
    const token = 'recordTestSecurityToken0000000000000000000000000001';
    const sim = await startSimulator({ fleet: staging(3), ak, sk, securityToken: token });
    sims.push(sim);
    const leak = `Authorization: SDK-HMAC-SHA256 Access=${ak}, SignedHeaders=host, Signature=9f86d0`;
    sim.inject({
      route: 'listInstances',
      kind: 'rewrite',
      edit: (body) => {
        const b = body as { instances: Array<Record<string, unknown>> };
        b.instances[0] = { ...b.instances[0], description: leak };
        b.instances[1] = {
          ...b.instances[1],
          tags: [{ key: 'note', value: `sk=${sk}` }],
        };
        return b;
      },
    });
    sim.inject({
      route: 'showInstance',
      kind: 'rewrite',
      edit: (body) => ({ ...(body as object), echoed: `X-Security-Token: ${token}` }),
    });
    sim.inject({ route: 'showCluster', kind: 'echo-headers', status: 400, shape: 'dms' });
    sim.inject({
      route: 'listTopics',
      kind: 'rewrite',
      edit: (body) => ({ ...(body as object), note: encodeURIComponent(sk) }),
    });
    const dir = newDir();
    const r = await cli(['fleet', '--record', dir], {
      ...simEnv(sim),
      HUAWEICLOUD_SDK_SECURITY_TOKEN: token,
    });
    expect(r.code, r.stderr).toBe(0);
    const files = filesIn(dir);
    expect(files.length).toBeGreaterThan(8);
    for (const f of files) {
      for (const secret of [ak, sk, token, encodeURIComponent(sk)]) {
        expect(f.text.includes(secret), `a secret in ${f.path}`).toBe(false);
      }
      expect(f.text, f.path).not.toMatch(/authorization|x-security-token|SDK-HMAC|Signature=/i);
    }
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.redacted).toBeGreaterThanOrEqual(4);
    // The refused ShowCluster is kept, without the headers it repeated.
    expect(manifest.failures).toEqual([
      expect.objectContaining({ call: 'ShowCluster', status: 400, error_code: 'DMS.00400000' }),
    ]);
  });
});

describe('a folder that cannot be recorded into or served from', () => {
  it('refuses a folder that is not empty, before any call; --force replaces an earlier recording', async () => {
    const sim = await startSimulator({ fleet: staging(2) });
    sims.push(sim);
    const dir = newDir();
    mkdirSync(join(dir, 'clusters'), { recursive: true });
    writeFileSync(join(dir, 'clusters', 'gone.json'), '{}');
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const refused = await cli(['fleet', '--record', dir], simEnv(sim));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/the folder is not empty; .* --force/);
    expect(sim.requests).toHaveLength(0);
    const forced = await cli(['fleet', '--record', dir, '--force'], simEnv(sim));
    expect(forced.code, forced.stderr).toBe(0);
    expect(readdirSync(join(dir, 'clusters')).sort()).toEqual(['stg-000.json', 'stg-001.json']);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    const alone = await cli(['fleet', '--hash-ids'], simEnv(sim));
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/--hash-ids, --hash-names and --force go with --record DIR/);
  });

  it('writes nothing when a read got no answer: a recording with a hole would replay a made-up cluster', async () => {
    const sim = await startSimulator({ fleet: staging(3) });
    sims.push(sim);
    sim.inject({ route: 'showCluster', kind: 'drop', times: Number.POSITIVE_INFINITY });
    const dir = newDir();
    const r = await cli(['fleet', '--record', dir], simEnv(sim));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /3 reads got no answer from DMS \(first: ShowCluster of stg-000: network, .*\); nothing was written/,
    );
    expect(existsSync(dir)).toBe(false);
  });

  it('names the file: a missing manifest, JSON that is not JSON, an instance without an id', async () => {
    const sim = await startSimulator({ fleet: staging(2) });
    sims.push(sim);
    const dir = newDir();
    expect((await cli(['fleet', '--record', dir], simEnv(sim))).code).toBe(0);
    const manifest = readFileSync(join(dir, 'manifest.json'), 'utf8');

    writeFileSync(join(dir, 'instances.json'), '{"instances": [');
    const broken = await cli(['simulator', '--from', dir]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`${join(dir, 'instances.json')}: not JSON`);

    writeFileSync(join(dir, 'instances.json'), '{"instances": [{"name": "x"}]}');
    const noId = await cli(['simulator', '--from', dir]);
    expect(noId.stderr).toContain(`${join(dir, 'instances.json')}: instances[0].instance_id:`);

    writeFileSync(join(dir, 'manifest.json'), manifest.replace('"version": 1', '"version": 7'));
    const later = await cli(['simulator', '--from', dir]);
    expect(later.stderr).toContain(`${join(dir, 'manifest.json')}: version: this build reads`);

    const empty = newDir();
    mkdirSync(empty);
    const none = await cli(['simulator', '--from', empty]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`${join(empty, 'manifest.json')}: missing`);
    expect(none.stderr.trim().split('\n')).toHaveLength(1);
  });
});
