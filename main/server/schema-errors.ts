// How a request that fails its route's schema is answered: one line naming the field, and for a
// value outside a fixed list the value and the list, so a caller who typed `?state=deffered`
// sees both the typo and the states there are (QA: it said only "must be equal to one of the
// allowed values").
import type { FastifySchemaValidationError } from 'fastify';
import { BadRequestError } from './http-errors.js';
import { shownValue } from '../core/text/sanitise.js';

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
  if (!first) return new BadRequestError(`${dataVar}: is not valid`);
  const value = (first as { data?: unknown }).data;
  const fix = fixFor(first);
  // the value as given, and what to give instead ("timeout: "abc" is not valid; give a number"),
  // not Ajv's bare "must be number"
  return new BadRequestError(
    fix && value !== undefined
      ? `${where}: ${shownValue(value)} is not valid; ${fix}`
      : `${where}: ${first.message ?? 'is not valid'}`,
  );
}

const typeFixes: Readonly<Record<string, string>> = {
  number: 'give a number',
  integer: 'give a whole number',
  boolean: 'give true or false',
  string: 'give text',
  array: 'give a list',
  object: 'give an object of fields',
};

/** What to give instead, for Ajv's common keywords; null where its own message must do. */
function fixFor(error: FastifySchemaValidationError): string | null {
  const params = error.params as { type?: unknown; limit?: unknown };
  switch (error.keyword) {
    case 'type':
      return typeof params.type === 'string' ? (typeFixes[params.type] ?? null) : null;
    case 'minimum':
      return `give a number of at least ${String(params.limit)}`;
    case 'maximum':
      return `give a number of at most ${String(params.limit)}`;
    case 'exclusiveMinimum':
      return `give a number above ${String(params.limit)}`;
    case 'minLength':
      return `give at least ${String(params.limit)} character${params.limit === 1 ? '' : 's'}`;
    case 'maxLength':
      return `give at most ${String(params.limit)} characters`;
    case 'minItems':
      return `give at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`;
    case 'maxItems':
      return `give at most ${String(params.limit)} items`;
    default:
      return null;
  }
}
