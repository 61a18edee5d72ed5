import type { z } from 'zod';
import { parseAnswer } from '../cloud/answers';
import { DmsApiError, DmsFailureKind } from './errors';
import { isWireIssue, KAFKA_ENGINE, type KafkaInstance, readInstance } from './wire';

/**
 * DMS's answers read as what the API documents, or refused as malformed: an
 * error that names the field and what was expected, never the value received.
 */

/** A DMS answer as `schema` reads it; see {@link parseAnswer}. */
export function parse<S extends z.ZodTypeAny>(
  operation: string,
  schema: S,
  body: unknown,
  requestId: string | undefined,
): z.output<S> {
  return parseAnswer('dms', operation, schema, body, requestId);
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
