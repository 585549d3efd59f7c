// SMTP users over HTTP: list, add, change the password, remove. Passwords go in, never out (not
// even hashed). The same file as `relaydesk user …`; the relay uses a change at once.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { RelayService } from '../../core/relay-service.js';
import { UserError } from '../../core/policy/user-store.js';

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

function userError(reply: FastifyReply, err: unknown): FastifyReply {
  if (!(err instanceof UserError)) throw err;
  const status = err.kind === 'exists' ? 409 : err.kind === 'missing' ? 404 : 400;
  return reply.code(status).send({ error: err.message });
}

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
      try {
        return reply.code(201).send(await service.addUser(req.body.name, req.body.password));
      } catch (err) {
        return userError(reply, err);
      }
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
    async (req, reply) => {
      try {
        return await service.changeUserPassword(req.params.name, req.body.password);
      } catch (err) {
        return userError(reply, err);
      }
    },
  );

  app.delete<{ Params: { name: string } }>(
    '/api/v1/users/:name',
    { schema: { tags, summary: 'Remove an SMTP user', params: nameParams } },
    async (req, reply) => {
      try {
        await service.removeUser(req.params.name);
      } catch (err) {
        return userError(reply, err);
      }
      return reply.send({ removed: req.params.name });
    },
  );
}
