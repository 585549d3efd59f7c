// SMTP users over HTTP: list, add, change the password, remove. Passwords go in, never out (not
// even hashed). The same file as `relaydesk user …`; the relay uses a change at once.
import type { FastifyInstance } from 'fastify';
import type { RelayService } from '../../core/relay-service.js';

const userView = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const;

const nameParams = {
  type: 'object',
  properties: { name: { type: 'string' } },
  required: ['name'],
} as const;

export function registerUserRoutes(app: FastifyInstance, service: RelayService): void {
  const tags = ['Users'];

  app.get(
    '/api/v1/users',
    {
      schema: {
        tags,
        summary: 'SMTP users (names only)',
        response: { 200: { type: 'array', items: userView } },
      },
    },
    async () => service.listUsers(),
  );

  app.post<{ Body: { name: string; password: string } }>(
    '/api/v1/users',
    {
      schema: {
        tags,
        summary: 'Add an SMTP user',
        body: {
          type: 'object',
          properties: { name: { type: 'string' }, password: { type: 'string' } },
          required: ['name', 'password'],
        },
      },
    },
    async (req, reply) => {
      return reply.code(201).send(await service.addUser(req.body.name, req.body.password));
    },
  );

  app.put<{ Params: { name: string }; Body: { password: string } }>(
    '/api/v1/users/:name',
    {
      schema: {
        tags,
        summary: "Change an SMTP user's password",
        params: nameParams,
        body: {
          type: 'object',
          properties: { password: { type: 'string' } },
          required: ['password'],
        },
      },
    },
    async (req) => service.changeUserPassword(req.params.name, req.body.password),
  );

  app.delete<{ Params: { name: string } }>(
    '/api/v1/users/:name',
    { schema: { tags, summary: 'Remove an SMTP user', params: nameParams } },
    async (req, reply) => {
      await service.removeUser(req.params.name);
      return reply.send({ removed: req.params.name });
    },
  );
}
