import type { z } from 'zod';
import type { CloudService } from './endpoint';
import { apiError, FailureKind } from './errors';

/**
 * An answer of `service` read as what the API documents, or refused as
 * malformed: the service's error, naming the field and what was expected,
 * never the value received.
 */
export function parseAnswer<S extends z.ZodTypeAny>(
  service: CloudService,
  operation: string,
  schema: S,
  body: unknown,
  requestId: string | undefined,
): z.output<S> {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'body';
  // What was expected, never the value received: that is the server's text,
  // and an echoing proxy can put a signed header in it.
  const what =
    issue?.code === 'invalid_enum_value'
      ? `expected one of ${issue.options.join(', ')}`
      : issue?.code === 'invalid_type'
        ? `expected ${issue.expected}, got ${issue.received}`
        : (issue?.code ?? 'invalid');
  throw apiError(service, {
    operation,
    kind: FailureKind.Malformed,
    message: `unexpected response: ${where}: ${what}`,
    requestId,
  });
}
