/** Error answers in the shapes DMS and its API Gateway use. */
import type { IncomingHttpHeaders } from 'node:http';
import { json, type Reply } from './reply';

function error(status: number, code: string, msg: string): Reply {
  return json(status, { error_code: code, error_msg: msg });
}

/**
 * A server that repeats the request's headers in its error message, as a
 * debugging proxy or a misconfigured backend does.
 */
export function echoHeaders(
  status: number,
  shape: 'dms' | 'apig',
  headers: IncomingHttpHeaders,
): Reply {
  const msg = `Bad request. Received headers: ${JSON.stringify(headers)}`;
  return shape === 'dms'
    ? error(status, 'DMS.00400000', msg)
    : json(status, { error: { code: 'APIG.0201', message: msg } });
}

/** DMS service errors (the backend behind the gateway). */
export const dms = {
  invalidParameter: (detail: string) => error(400, 'DMS.00400000', `Invalid parameter: ${detail}`),
  emptyBody: () => error(400, 'DMS.00400004', 'The request body is empty.'),
  notJson: () =>
    error(
      400,
      'DMS.00400005',
      'The message body is not in JSON format or contains invalid characters.',
    ),
  unsupportedEngine: () => error(400, 'DMS.00400007', 'Unsupported type.'),
  busy: () =>
    error(400, 'DMS.00400026', 'The operation is not allowed due to the instance status.'),
  instanceNotFound: () => error(404, 'DMS.00404022', 'The instance does not exist.'),
  /** ListInstances with an offset at or past the end of the filtered listing. */
  offsetInvalid: () => error(400, 'DMS.40050010', 'Offset parameter is invalid.'),
  internal: () => error(500, 'DMS.00500000', 'Internal service error.'),
  unavailable: () => error(503, 'DMS.00503000', 'The service is temporarily unavailable.'),
};

/** API Gateway errors (in front of DMS). */
export const apig = {
  notFound: () =>
    error(404, 'APIG.0101', 'The API does not exist or has not been published in the environment.'),
  throttled: (retryAfterSeconds?: number): Reply => {
    const reply = error(429, 'APIG.0308', 'The request is throttled.');
    if (retryAfterSeconds !== undefined)
      reply.headers = { 'Retry-After': String(retryAfterSeconds) };
    return reply;
  },
  tooLarge: () => error(413, 'APIG.0201', 'Request entity too large.'),
  unauthorized: (code: string, msg: string) => error(401, code, msg),
  gatewayTimeout: () => error(504, 'APIG.0203', 'Backend timeout.'),
  badGateway: (): Reply => ({
    status: 502,
    contentType: 'text/html',
    body:
      '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n' +
      '<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
  }),
};
