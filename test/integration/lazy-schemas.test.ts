// The routes' JSON schemas are compiled when a request first needs them, not at start
// (main/server/lazy-schema-compilers.ts): the API's validation (with its 400 messages, type
// coercion and defaults) and its response serialization are what they were when Fastify compiled
// them ahead, and every route's schema still compiles.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MessagesPage } from '../../preload/api-contract.js';
import { createHttpServer } from '../../main/server/http-server.js';
import { lazySchemaCompilers } from '../../main/server/lazy-schema-compilers.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

let relay: TestRelaydesk;
let app: FastifyInstance;
const compilers = lazySchemaCompilers();

beforeAll(async () => {
  relay = await startTestRelaydesk();
  for (const subject of ['one', 'two', 'three']) {
    await relay
      .transport()
      .sendMail({ from: 'a@x.example', to: 'b@y.example', subject, text: 'x' });
  }
  // a second server over the same service, with compilers the test can look into
  app = await createHttpServer(relay.service, { schemaCompilers: compilers });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await relay?.dispose();
});

it('compiles no schema at start, and a route’s on its first request: same 400, same coercion', async () => {
  expect(compilers.compiled()).toBe(0);

  const bad = await app.inject('/api/v1/messages?start=-1');
  expect(bad.statusCode).toBe(400);
  expect((bad.json() as { error: string }).error).toMatch(/^start: must be >= 0/);
  expect(compilers.compiled()).toBe(1);

  // the query string's "2" is coerced to a number, the missing start defaulted to 0
  const page = await app.inject('/api/v1/messages?limit=2');
  expect(page.statusCode).toBe(200);
  const body = page.json() as MessagesPage;
  expect(body.messages.map((m) => m.Subject)).toEqual(['three', 'two']);
  expect(body.start).toBe(0);
  // the same route's validator, compiled once
  expect(compilers.compiled()).toBe(1);
});

it('serializes a response by its schema once compiled on first use', async () => {
  await relay.service.addUser('alice', 'correct horse battery');
  const before = compilers.compiled();
  const res = await app.inject('/api/v1/users');
  expect(res.statusCode).toBe(200);
  expect(compilers.compiled()).toBe(before + 1);
  const users = res.json() as Record<string, unknown>[];
  expect(users.map((u) => Object.keys(u).sort())).toEqual([['createdAt', 'name', 'updatedAt']]);
  expect(users[0]?.name).toBe('alice');
});

it('compiles every route’s schemas without an error', () => {
  compilers.compileAll();
  const all = compilers.compiled();
  expect(all).toBeGreaterThan(50);
  compilers.compileAll();
  expect(compilers.compiled()).toBe(all);
});
