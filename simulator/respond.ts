/** Writing answers, whole or broken, to the socket. */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { JSON_TYPE, type Reply } from './reply';

export function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { 'X-Request-Id': randomUUID(), ...reply.headers };
  if (reply.body !== undefined) {
    headers['Content-Type'] = reply.contentType ?? JSON_TYPE;
    headers['Content-Length'] = String(Buffer.byteLength(reply.body));
  }
  res.writeHead(reply.status, headers);
  res.end(reply.body);
}

/** 200 headers announcing the whole body, half of it, then the connection is cut. */
export function sendHalf(res: ServerResponse, body: string): void {
  const bytes = Buffer.from(body);
  res.writeHead(200, {
    'X-Request-Id': randomUUID(),
    'Content-Type': JSON_TYPE,
    'Content-Length': String(bytes.length),
  });
  res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
}

/** Cuts the connection without an answer. */
export function drop(res: ServerResponse): void {
  res.socket?.destroy();
}
