import { spawnSync } from 'node:child_process';
import { createServer, type Http2Server } from 'node:http2';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { AKSKSigner as CoreSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner';
import { BasicCredentials as CoreCredentials } from '@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type IncomingSigned,
  type Simulator,
  startSimulator,
  verifyRequest,
} from '../../simulator';
import type * as Sdk from '../../src/cloud/sdk';

// dist/sdk.js as the function runs it: the SDK core and axios, with the
// build's patches (scripts/build.mjs). `npm test` builds before it tests.
const require = createRequire(join(process.cwd(), 'test/client/bundle.test.ts'));
const bundled = require('../../dist/sdk.js') as typeof Sdk;

const servers: Http2Server[] = [];
const sims: Simulator[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  await Promise.all(sims.splice(0).map((s) => s.stop()));
});

function bundledClient(sim: Simulator): Sdk.HcClient {
  const { BasicCredentials, ClientBuilder } = bundled;
  return new ClientBuilder<Sdk.HcClient>((c) => c)
    .withCredential(
      new BasicCredentials().withAk(sim.ak).withSk(sim.sk).withProjectId(sim.projectId),
    )
    .withEndpoint(sim.endpoint)
    .withOptions({ customUserAgent: 'bundle-test' })
    .build();
}

const LIST_REQUEST = {
  method: 'GET',
  url: '/v2/{project_id}/instances',
  queryParams: { engine: 'kafka', limit: 50, offset: 0 },
  headers: {},
  contentType: 'application/json',
};

describe('dist/sdk.js', () => {
  it('refuses, before anything is sent, a request that may follow redirects', async () => {
    const sim = await startSimulator({ fleet: [] });
    sims.push(sim);
    const hc = bundledClient(sim);
    const list = (axiosRequestConfig?: object) =>
      hc.sendRequest({
        ...LIST_REQUEST,
        pathParams: { project_id: sim.projectId },
        ...(axiosRequestConfig ? { axiosRequestConfig } : {}),
      } as Parameters<Sdk.HcClient['sendRequest']>[0]);
    await expect(list()).rejects.toMatchObject({
      message: expect.stringMatching(/redirects are never followed/),
    });
    await expect(list({ maxRedirects: 5 })).rejects.toBeDefined();
    expect(sim.requests).toHaveLength(0);
    // As the client sends every call: through Node's own http.
    await expect(list({ maxRedirects: 0 })).resolves.toMatchObject({ instance_num: 0 });
    expect(sim.requests).toHaveLength(1);
  });

  it('answers a redirect with the 3xx itself when sent as the client sends', async () => {
    const sim = await startSimulator({ fleet: [] });
    const elsewhere = await startSimulator({
      fleet: [],
      ak: sim.ak,
      sk: sim.sk,
      projectId: sim.projectId,
    });
    sims.push(sim, elsewhere);
    sim.inject({
      route: 'listInstances',
      kind: 'redirect',
      status: 307,
      location: `${elsewhere.endpoint}/v2/${sim.projectId}/instances`,
    });
    const hc = bundledClient(sim);
    await expect(
      hc.sendRequest({
        ...LIST_REQUEST,
        pathParams: { project_id: sim.projectId },
        axiosRequestConfig: { maxRedirects: 0 },
      } as Parameters<Sdk.HcClient['sendRequest']>[0]),
    ).rejects.toMatchObject({ httpStatusCode: 307 });
    expect(sim.requests).toHaveLength(1);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('still sends a request with httpVersion 2 over HTTP/2, signed', async () => {
    const seen: Array<Record<string, unknown>> = [];
    const server = createServer((req, res) => {
      seen.push({ ...req.headers, httpVersion: req.httpVersion });
      res.setHeader('content-type', 'application/json');
      res.setHeader('x-request-id', 'h2-request');
      res.end(JSON.stringify({ instances: [], instance_num: 0 }));
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const { BasicCredentials, ClientBuilder } = bundled;
    const hc = new ClientBuilder<Sdk.HcClient>((c) => c)
      .withCredential(new BasicCredentials().withAk('H2AK').withSk('h2-sk').withProjectId('p1'))
      .withEndpoint(`http://127.0.0.1:${port}`)
      .withOptions({ customUserAgent: 'bundle-test' })
      .build();
    const res = (await hc.sendRequest({
      method: 'GET',
      url: '/v2/{project_id}/instances',
      pathParams: { project_id: 'p1' },
      queryParams: { limit: 50 },
      headers: {},
      contentType: 'application/json',
      axiosRequestConfig: { httpVersion: 2, maxRedirects: 0 },
    } as Parameters<Sdk.HcClient['sendRequest']>[0])) as { instance_num?: number };
    expect(res.instance_num).toBe(0);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      httpVersion: '2.0',
      ':path': '/v2/p1/instances?limit=50',
      'x-project-id': 'p1',
    });
    expect(String(seen[0]?.authorization)).toMatch(/^SDK-HMAC-SHA256 Access=H2AK, /);
  });
});

const AK = 'BUNDLEAK000000000001';
const SK = 'bundle-secret-key';
const PROJECT = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const SIGNED_AT = Date.UTC(2026, 0, 15, 8, 30, 0);

type Signer = { sign(request: unknown, credential: unknown): Record<string, string> };

/** A list request signed now, with `extra` headers besides core's own. */
function signWith(
  signer: Signer,
  credentials: new () => { withAk(a: string): unknown },
  extra: Record<string, string>,
): Record<string, string> {
  const cred = (
    new credentials().withAk(AK) as { withSk(s: string): { withProjectId(p: string): unknown } }
  )
    .withSk(SK)
    .withProjectId(PROJECT);
  return signer.sign(
    {
      method: 'GET',
      endpoint: `http://127.0.0.1:8443/v2/${PROJECT}/instances`,
      queryParams: { engine: 'kafka', limit: 50, offset: 0 },
      headers: {
        'Content-Type': 'application/json',
        'X-Project-Id': PROJECT,
        ...extra,
      },
    },
    cred,
  );
}

const HEADER_SETS: Array<Record<string, string>> = [
  {},
  { 'X-Security-Token': 'token' },
  { 'User-Agent': 'ua', Accept: '*/*', 'X-Request-Id': 'r1', 'x-sdk-content-sha256': 'UNSIGNED' },
  // Outside lower-case letters, digits and '-': still through localeCompare.
  { X_Trace: 't', 'X-Trace': 'u', 'x.dot': 'd', 'X-Sdk-Zz': 'z' },
];

describe("dist/sdk.js's signer", () => {
  const bundledSigner = bundled.AKSKSigner as unknown as Signer;
  const bundledCredentials = bundled.BasicCredentials as unknown as new () => {
    withAk(a: string): unknown;
  };
  const coreSigner = CoreSigner as unknown as Signer;
  const coreCredentials = CoreCredentials as unknown as new () => { withAk(a: string): unknown };

  it('signs exactly as the SDK core does', () => {
    // Both sign with X-Sdk-Date from the clock.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(SIGNED_AT);
    for (const extra of HEADER_SETS) {
      expect(signWith(bundledSigner, bundledCredentials, extra)).toEqual(
        signWith(coreSigner, coreCredentials, extra),
      );
    }
  });

  it('orders the header names core signs without localeCompare, and others with it', () => {
    const spy = vi.spyOn(String.prototype, 'localeCompare');
    signWith(bundledSigner, bundledCredentials, HEADER_SETS[1] ?? {});
    expect(spy).not.toHaveBeenCalled();
    signWith(bundledSigner, bundledCredentials, HEADER_SETS[3] ?? {});
    expect(spy).toHaveBeenCalled();
  });

  // In Danish, 'aa' sorts after 'z': core's localeCompare put x-aa-trace after
  // x-sdk-date in the canonical headers, but before it in SignedHeaders.
  const danish = new Intl.Collator('da').resolvedOptions().locale.startsWith('da');
  it.skipIf(!danish)('signs what the server checks under a Danish default locale', () => {
    const code = (which: string) => `
      const { AKSKSigner, BasicCredentials } = ${which};
      const cred = new BasicCredentials().withAk(${JSON.stringify(AK)}).withSk(${JSON.stringify(SK)}).withProjectId(${JSON.stringify(PROJECT)});
      const h = AKSKSigner.sign({ method: 'GET', endpoint: 'http://127.0.0.1:8443/v2/${PROJECT}/instances', queryParams: {},
        headers: { 'Content-Type': 'application/json', 'X-Project-Id': ${JSON.stringify(PROJECT)}, 'X-Aa-Trace': '1' } }, cred);
      process.stdout.write(JSON.stringify([Intl.Collator().resolvedOptions().locale, h]));`;
    const inDanish = (which: string) => {
      const r = spawnSync(process.execPath, ['-e', code(which)], {
        encoding: 'utf8',
        env: { ...process.env, LANG: 'da_DK.UTF-8', LC_ALL: 'da_DK.UTF-8' },
      });
      expect(r.stderr).toBe('');
      const [locale, headers] = JSON.parse(r.stdout) as [string, Record<string, string>];
      expect(locale).toMatch(/^da/);
      const lower = Object.fromEntries(
        Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]),
      );
      const req: IncomingSigned = {
        method: 'GET',
        path: `/v2/${PROJECT}/instances`,
        query: '',
        headers: lower,
        body: '',
      };
      return verifyRequest(req, { ak: AK, sk: SK, projectId: PROJECT, now: Date.now() });
    };
    expect(inDanish("require('./dist/sdk.js')")).toEqual({ ok: true, signatureValid: true });
    // The SDK core as published, for contrast.
    expect(
      inDanish(
        "{ ...require('@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner'), ...require('@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials') }",
      ),
    ).toMatchObject({ ok: false, reason: 'signature-mismatch' });
  });
});
