import type { z } from 'zod';
import { DmsApiError, DmsFailureKind } from './errors';
import { isWireIssue, KAFKA_ENGINE, type KafkaInstance, readInstance } from './wire';

/**
 * Answers read as what the API documents, or refused as malformed: an error
 * that names the field and what was expected, never the value received.
 */

export function parse<S extends z.ZodTypeAny>(
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
  throw new DmsApiError({
    operation,
    kind: DmsFailureKind.Malformed,
    message: `unexpected response: ${where}: ${what}`,
    requestId,
  });
}

/** One instance off the wire, or a malformed-response error naming the field. */
export function instance(
  operation: string,
  raw: unknown,
  requestId: string | undefined,
): KafkaInstance {
  const got = readInstance(raw);
  if (!isWireIssue(got)) return got;
  throw new DmsApiError({
    operation,
    kind: DmsFailureKind.Malformed,
    message: `unexpected response: ${got.path || 'body'}: ${got.message}`,
    requestId,
  });
}

/**
 * ShowInstance's answer, trusted only as the instance asked for: an answer
 * that names another id, or no engine, or an engine other than Kafka, is
 * malformed, and the caller takes the instance as unreadable.
 */
export function shownInstance(
  id: string,
  raw: unknown,
  requestId: string | undefined,
): KafkaInstance {
  const got = instance('ShowInstance', raw, requestId);
  const wrong =
    got.instance_id !== id
      ? 'instance_id: the answer is for another instance'
      : got.engine === undefined
        ? 'engine: Required'
        : got.engine.toLowerCase() !== KAFKA_ENGINE
          ? 'engine: not a Kafka instance'
          : undefined;
  if (wrong === undefined) return got;
  throw new DmsApiError({
    operation: 'ShowInstance',
    kind: DmsFailureKind.Malformed,
    message: `unexpected response: ${wrong}`,
    requestId,
  });
}
