// DKIM keys, the authentication check of a message, and the address check: thin adapters over
// RelayService.
import type { FastifyInstance } from 'fastify';
import type { RelayService } from '../../core/relay-service.js';
import type { DkimKeyInput } from '../../../preload/auth-contract.js';

const selectorParams = {
  type: 'object',
  properties: { domain: { type: 'string' }, selector: { type: 'string' } },
  required: ['domain', 'selector'],
} as const;

/** Most addresses one address-check request may hold. */
export const maxCheckedAddresses = 1000;

export function registerSigningRoutes(app: FastifyInstance, service: RelayService): void {
  const tags = ['Authentication'];

  app.get<{ Params: { id: string } }>(
    '/api/v1/message/:id/auth-check',
    {
      schema: {
        tags,
        summary:
          'DKIM, SPF, DMARC and ARC of a message as received, each pass/fail/neutral (or offline when DNS is unreachable) with the reason; relayedSignedBy: our DKIM keys that signed the copies relayed upstream; spfClientFrom (an imported message only): the Received stamp whose client SPF was checked for',
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
      },
    },
    async (req) => service.authCheck(req.params.id),
  );

  app.get(
    '/api/v1/dkim/keys',
    {
      schema: {
        tags,
        summary: 'The DKIM keys by domain and selector, with the DNS record to publish',
      },
    },
    async () => service.dkimKeys(),
  );

  app.post<{
    Body: DkimKeyInput;
  }>(
    '/api/v1/dkim/keys',
    {
      schema: {
        tags,
        summary:
          'Generate a key (RSA-2048 or Ed25519) for a new selector, or import a PEM private key; answers with the record to publish',
        body: {
          type: 'object',
          properties: {
            domain: { type: 'string' },
            selector: { type: 'string' },
            algorithm: { type: 'string', enum: ['rsa', 'ed25519'] },
            privateKey: { type: 'string', description: 'PEM; omit to generate a key' },
            headers: {
              type: 'array',
              items: { type: 'string' },
              description:
                'Header fields to sign (must include From); the default set when omitted',
            },
          },
          required: ['domain', 'selector'],
          additionalProperties: false,
        },
      },
    },
    async (req, reply) => reply.code(201).send(await service.addDkimKey(req.body)),
  );

  app.put<{ Params: { domain: string; selector: string }; Body: { active: boolean } }>(
    '/api/v1/dkim/keys/:domain/:selector',
    {
      schema: {
        tags,
        summary:
          'Turn signing with a selector on or off (retire the old selector after a rotation)',
        params: selectorParams,
        body: {
          type: 'object',
          properties: { active: { type: 'boolean' } },
          required: ['active'],
        },
      },
    },
    async (req) =>
      service.setDkimKeyActive(req.params.domain, req.params.selector, req.body.active),
  );

  app.delete<{ Params: { domain: string; selector: string } }>(
    '/api/v1/dkim/keys/:domain/:selector',
    {
      schema: {
        tags,
        summary:
          "Delete a selector and its private key; answers with what signs the domain's mail now (signingKeys) and a warning when nothing does",
        params: selectorParams,
      },
    },
    async (req) => service.removeDkimKey(req.params.domain, req.params.selector),
  );

  app.get<{ Params: { domain: string; selector: string } }>(
    '/api/v1/dkim/keys/:domain/:selector/dns-check',
    {
      schema: {
        tags,
        summary:
          'Check DNS: look the selector record up and say whether it matches the key (match, mismatch, missing, unknown)',
        params: selectorParams,
      },
    },
    async (req) => service.checkDkimDns(req.params.domain, req.params.selector),
  );

  app.post<{ Body: { addresses: string[] } }>(
    '/api/v1/address-check',
    {
      schema: {
        tags,
        summary:
          'Check addresses as the relay would before sending: valid, invalid, risky or unknown (DNS unreachable), with the reason',
        body: {
          type: 'object',
          properties: {
            addresses: { type: 'array', items: { type: 'string' }, maxItems: maxCheckedAddresses },
          },
          required: ['addresses'],
        },
      },
    },
    async (req) => service.checkAddresses(req.body.addresses),
  );
}
