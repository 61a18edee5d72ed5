/**
 * Raw HTTP requests to the simulator, signed by the SDK core's own signer, so
 * tests can look at exactly what comes back on the wire (or what does not).
 */
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { stringify } from 'node:querystring';
import type { Simulator } from '../../simulator';
import { AKSKSigner, type Creds, credential, credsOf } from './sdk';

export interface SignedCall {
  method?: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | number>;
  /** Sent as JSON; a string is sent as it is (and signed as it is). */
  body?: unknown;
  headers?: Record<string, string>;
  creds?: Partial<Creds>;
  timeoutMs?: number;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json(): unknown;
}

/** Thrown when the connection ends without a whole answer. */
export class ConnectionCut extends Error {
  constructor(
    message: string,
    readonly partial: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** `{project_id}` in the path is replaced by the simulator's project id. */
export function signedRequest(sim: Simulator, call: SignedCall): Promise<RawResponse> {
  const creds = credsOf(sim, call.creds);
  const path = call.path.replace('{project_id}', sim.projectId);
  const method = call.method ?? (call.body === undefined ? 'GET' : 'POST');
  const text =
    call.body === undefined
      ? undefined
      : typeof call.body === 'string'
        ? call.body
        : JSON.stringify(call.body);
  const unsigned: Record<string, string> = {
    'content-type': 'application/json',
    'X-Project-Id': creds.projectId,
    ...(creds.securityToken === undefined ? {} : { 'X-Security-Token': creds.securityToken }),
    ...call.headers,
  };
  // The signer hashes JSON.stringify(data); a raw string body is declared by its hash instead.
  if (typeof call.body === 'string') {
    unsigned['X-Sdk-Content-Sha256'] = createHash('sha256').update(call.body).digest('hex');
  }
  const headers = AKSKSigner.sign(
    {
      method,
      endpoint: `${sim.endpoint}${path}`,
      queryParams: call.query ?? {},
      headers: unsigned,
      data: typeof call.body === 'string' ? undefined : call.body,
    },
    credential(creds),
  ) as Record<string, string>;
  const query = call.query ? `?${stringify(call.query)}` : '';
  return send(`${sim.endpoint}${path}${query}`, method, headers, text, call.timeoutMs ?? 5000);
}

function send(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  timeoutMs: number,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text,
          json: () => JSON.parse(text),
        });
      });
      res.on('error', (e) =>
        reject(
          new ConnectionCut(e.message, Buffer.concat(chunks).toString('utf8'), res.statusCode),
        ),
      );
    });
    req.setTimeout(timeoutMs, () => req.destroy(new ConnectionCut('timed out', '')));
    req.on('error', (e) =>
      reject(e instanceof ConnectionCut ? e : new ConnectionCut(e.message, '')),
    );
    req.end(body);
  });
}
