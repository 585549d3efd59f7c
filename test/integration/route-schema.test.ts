// The route endpoints' answers against the OpenAPI document's response schema: the document
// shows their shape, and an answer that drifts from it (a field added, renamed, dropped or of
// another type) fails here. The served schema stays open so the serialiser never drops a field;
// here it is closed, so a field the core adds without documenting it is caught too.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AjvCompiler } from '@fastify/ajv-compiler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

type Schema = { [key: string]: unknown };
interface OpenApiDocument {
  paths: Record<
    string,
    Record<string, { responses?: Record<string, { content?: Record<string, { schema: Schema }> }> }>
  >;
}

let relay: TestRelaydesk;
let doc: OpenApiDocument;
beforeAll(async () => {
  relay = await startTestRelaydesk({ hostname: 'relay.test' });
  doc = await relay.api<OpenApiDocument>('/api/v1/openapi.json');
});
afterAll(async () => relay?.dispose());

const headerSets = join(import.meta.dirname, '..', 'route-analysis', 'header-sets');
const deliveryReports = join(import.meta.dirname, '..', 'unit', 'delivery-reports');

/** The schema with every open object closed: what it lists is all an answer may have. */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== 'object') return schema;
  const copy: Schema = {};
  for (const [key, value] of Object.entries(schema)) copy[key] = closed(value);
  if (copy.properties && copy.additionalProperties === true) copy.additionalProperties = false;
  return copy;
}

const documented = (path: string, method: 'get' | 'post'): Schema | undefined =>
  doc.paths[path]?.[method]?.responses?.['200']?.content?.['application/json']?.schema;

function validatorOf(path: string, method: 'get' | 'post') {
  const schema = documented(path, method);
  expect(schema, `${method.toUpperCase()} ${path} documents its 200 answer`).toBeDefined();
  const compile = AjvCompiler()(
    {},
    { customOptions: { allErrors: true, removeAdditional: false, coerceTypes: false } },
  );
  return compile({ schema: closed(schema) as Schema, method, url: path, httpPart: 'body' });
}

/** The schema errors of an answer, one line each, for a message that names what drifted. */
function drift(validate: ReturnType<typeof validatorOf>, answer: unknown): string[] {
  if (validate(answer)) return [];
  return (validate.errors ?? []).map(
    (e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`,
  );
}

describe('the route endpoints’ response schema', () => {
  it('GET /api/v1/message/{id}/route answers as documented, envelope included', async () => {
    const info = await relay.transport().sendMail({
      envelope: { from: 'ada@sender.example', to: ['bob@rcpt.example', 'hidden@rcpt.example'] },
      raw: readFileSync(join(headerSets, 'forged.eml')),
    });
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    const answer = await relay.api<{ envelope: unknown }>(`/api/v1/message/${id}/route`);
    expect(answer.envelope).not.toBeNull();
    expect(drift(validatorOf('/api/v1/message/{id}/route', 'get'), answer)).toEqual([]);
  });

  it('POST /api/v1/analyze answers as documented for every header set', async () => {
    const validate = validatorOf('/api/v1/analyze', 'post');
    for (const file of readdirSync(headerSets).filter((name) => name.endsWith('.eml'))) {
      const res = await relay.fetch('/api/v1/analyze', {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: readFileSync(join(headerSets, file)),
      });
      expect(res.status, file).toBe(200);
      expect(drift(validate, await res.json()), file).toEqual([]);
    }
    // and of a bounce, with its report and the returned message's route
    for (const file of ['exim.eml', 'gmail.eml']) {
      const res = await relay.fetch('/api/v1/analyze', {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: readFileSync(join(deliveryReports, file)),
      });
      const answer = (await res.json()) as { report: unknown };
      expect(answer.report, file).not.toBeNull();
      expect(drift(validate, answer), file).toEqual([]);
    }
  });

  it('catches an answer that drifted: a field renamed, one undocumented, a wrong type', async () => {
    const validate = validatorOf('/api/v1/analyze', 'post');
    const res = await relay.fetch('/api/v1/analyze', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: readFileSync(join(headerSets, 'qmail.eml')),
    });
    const answer = (await res.json()) as { hops: Record<string, unknown>[] } & Schema;
    const { totalSeconds, ...renamed } = answer;
    expect(drift(validate, { ...renamed, transitSeconds: totalSeconds })).toEqual([
      expect.stringContaining("must have required property 'totalSeconds'"),
      expect.stringContaining(
        'must NOT have additional properties {"additionalProperty":"transitSeconds"}',
      ),
    ]);
    const hops = answer.hops.map((hop, index) =>
      index === 0 ? { ...hop, delaySeconds: '7' } : hop,
    );
    expect(drift(validate, { ...answer, hops })).toEqual([
      expect.stringMatching(/^\/hops\/0\/delaySeconds must be number/),
    ]);
  });
});
