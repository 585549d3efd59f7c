// SMTP AUTH lockouts over HTTP: which (address, user) pairs are locked out after failed
// attempts, and releasing them (one pair, every user of an address, or all).
import type { FastifyInstance } from 'fastify';
import type { RelayService } from '../../core/relay-service.js';

const entry = {
  type: 'object',
  properties: {
    Address: { type: 'string' },
    User: { type: 'string' },
    Failures: { type: 'integer' },
    LockedUntil: { type: 'string', format: 'date-time' },
  },
} as const;

export function registerLockoutRoutes(app: FastifyInstance, service: RelayService): void {
  const tags = ['Users'];

  app.get(
    '/api/v1/auth/lockouts',
    {
      schema: {
        tags,
        summary: 'SMTP AUTH lockouts: (address, user) pairs refused after repeated failures',
        response: {
          200: { type: 'object', properties: { lockouts: { type: 'array', items: entry } } },
        },
      },
    },
    async () => ({ lockouts: service.authLockouts() }),
  );

  app.post<{ Body: { Address?: string; User?: string } | undefined }>(
    '/api/v1/auth/lockouts/release',
    {
      schema: {
        tags,
        summary:
          'Release AUTH lockouts: one (Address, User) pair, every user of an Address, or all (empty body)',
        body: {
          type: 'object',
          properties: { Address: { type: 'string' }, User: { type: 'string' } },
          additionalProperties: false,
        },
        response: {
          200: { type: 'object', properties: { released: { type: 'array', items: entry } } },
        },
      },
    },
    async (req) => ({
      released: service.releaseAuthLockouts(req.body?.Address, req.body?.User),
    }),
  );
}
