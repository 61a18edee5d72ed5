/** What a handler answers, before the server writes it. */
export interface Reply {
  status: number;
  /** Raw body text; absent for answers without a body. */
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export const JSON_TYPE = 'application/json;charset=UTF-8';

export function json(status: number, value: unknown): Reply {
  return { status, body: JSON.stringify(value), contentType: JSON_TYPE };
}

export function noContent(): Reply {
  return { status: 204 };
}
