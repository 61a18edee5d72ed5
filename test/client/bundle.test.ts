import { spawnSync } from 'node:child_process';
import { createServer, type Http2Server } from 'node:http2';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type * as Sdk from '../../src/dms/sdk';

// dist/sdk.js as the function runs it: the SDK core and axios, with the
// build's patches (scripts/build.mjs). `npm test` builds before it tests.
const require = createRequire(join(process.cwd(), 'test/client/bundle.test.ts'));
const bundled = require('../../dist/sdk.js') as typeof Sdk;

const servers: Http2Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

describe('dist/sdk.js', () => {
  it('does not load http2 at load time', () => {
    const r = spawnSync(
      process.execPath,
      ['-e', "require('./dist/sdk.js'); process.stdout.write(process.moduleLoadList.join('\\n'))"],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(0);
    const loaded = r.stdout.split('\n');
    expect(loaded).toContain('NativeModule http');
    expect(loaded).not.toContain('NativeModule http2');
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
