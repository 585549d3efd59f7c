// How a request that fails its route's schema is answered: one line naming the field, and for a
// value outside a fixed list the value and the list, so a caller who typed `?state=deffered`
// sees both the typo and the states there are (QA: it said only "must be equal to one of the
// allowed values").
import type { FastifySchemaValidationError } from 'fastify';
import { BadRequestError } from './http-errors.js';

/** Fastify's `schemaErrorFormatter`; needs Ajv's `verbose` for the value (`data`). */
export function schemaError(
  errors: readonly FastifySchemaValidationError[],
  dataVar: string,
): BadRequestError {
  const first = errors[0];
  // "start: must be >= 0" rather than fastify's "querystring/start must be >= 0"
  const where = first?.instancePath.replace(/^\//, '').replace(/\//g, '.') || dataVar;
  const params = first?.params as { missingProperty?: string; allowedValues?: unknown[] };
  if (params?.missingProperty) {
    return new BadRequestError(
      `${dataVar}.${params.missingProperty}: ${first?.message ?? 'is not valid'}`,
    );
  }
  if (first?.keyword === 'enum' && params.allowedValues) {
    const value = (first as { data?: unknown }).data;
    const allowed = params.allowedValues.map((v) => JSON.stringify(v));
    return new BadRequestError(
      `${where}: ${JSON.stringify(value)} is not valid; use ${allowed.slice(0, -1).join(', ')}${allowed.length > 1 ? ' or ' : ''}${allowed.at(-1) ?? ''}`,
    );
  }
  return new BadRequestError(`${where}: ${first?.message ?? 'is not valid'}`);
}
