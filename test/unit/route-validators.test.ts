// The API's request validators are compiled once per process for each schema: servers started one
// after another (the desktop app after a listener change, the suite) reuse them, and each still
// refuses exactly what its own schemas refuse.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { sharedValidators } from '../../main/server/route-validators.js';

const servers: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A server like ours: its route schema built anew, as the routes build theirs on every start. */
async function serverWithLimit(maxLength: number) {
  const server = Fastify({
    ajv: { customOptions: { verbose: true } },
    schemaController: { compilersFactory: { buildValidator: sharedValidators } },
  });
  servers.push(server);
  server.post(
    '/api/v1/tags',
    {
      schema: {
        body: {
          type: 'object',
          required: ['Tag'],
          properties: { Tag: { type: 'string', maxLength } },
          additionalProperties: false,
        },
      },
    },
    async () => ({ ok: true }),
  );
  await server.ready();
  return server;
}

const post = (server: FastifyInstance, payload: unknown) =>
  server.inject({ method: 'POST', url: '/api/v1/tags', payload: payload as object });

describe('request validators shared between servers in one process', () => {
  it('a second server with the same schema refuses and accepts the same bodies', async () => {
    for (const server of [await serverWithLimit(8), await serverWithLimit(8)]) {
      expect((await post(server, { Tag: 'invoices' })).statusCode).toBe(200);
      const refused = await post(server, { Tag: 'receipts-2026' });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().message).toContain('must NOT have more than 8 characters');
    }
  });

  it('a server whose schema differs gets its own validator, not the one compiled before', async () => {
    const strict = await serverWithLimit(4);
    const loose = await serverWithLimit(20);
    expect((await post(strict, { Tag: 'invoices' })).statusCode).toBe(400);
    expect((await post(loose, { Tag: 'invoices' })).statusCode).toBe(200);
    expect((await post(strict, { Tag: 'tax' })).statusCode).toBe(200);
  });

  it("one server's failed validation leaves no errors behind for the next request elsewhere", async () => {
    const first = await serverWithLimit(8);
    const second = await serverWithLimit(8);
    expect((await post(first, { Tag: 'receipts-2026' })).statusCode).toBe(400);
    expect((await post(second, { Tag: 'ok' })).statusCode).toBe(200);
  });
});
