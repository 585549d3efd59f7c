// The settings over HTTP: read them, check a change, save it. Adapters over RelayService.
import type { FastifyInstance } from 'fastify';
import type { RelayService } from '../../core/relay-service.js';

const changeBody = {
  type: 'object',
  description:
    'Settings by their settings-file keys (GET shows them); listen addresses as {host, port}; relay.auth without password keeps the saved one',
  additionalProperties: true,
} as const;

export function registerSettingsRoutes(app: FastifyInstance, service: RelayService): void {
  const tags = ['Settings'];

  app.get(
    '/api/v1/settings',
    {
      schema: {
        tags,
        summary:
          'The settings as saved (the upstream password only as passwordSet), which are pinned by a flag or environment variable, and which wait for a restart',
      },
    },
    async () => service.settingsView(),
  );

  app.post<{ Body: Record<string, unknown> }>(
    '/api/v1/settings/validate',
    {
      schema: {
        tags,
        summary:
          'Check a change without saving it: every wrong field, its value and what is allowed',
        body: changeBody,
      },
    },
    async (req) => service.checkSettings(req.body),
  );

  app.put<{ Body: Record<string, unknown> }>(
    '/api/v1/settings',
    {
      schema: {
        tags,
        summary:
          'Save a change: all of it or, when any field is wrong, nothing (400 with every wrong field). Applies at once except the listeners (restartNeeded)',
        body: changeBody,
      },
    },
    async (req, reply) => {
      const result = await service.saveSettings(req.body);
      return reply.code(result.ok ? 200 : 400).send(result);
    },
  );

  app.post(
    '/api/v1/restart',
    {
      schema: {
        tags,
        summary:
          'Restart to apply the saved settings that wait for a restart (the listeners, TLS, timeouts). Answers before it begins, with the UI address after it; 409 when another program started this Relaydesk',
      },
    },
    async () => service.restart(),
  );
}
