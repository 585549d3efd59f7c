// The answer of GET /api/v1/message/{ID}/delivery as the OpenAPI document describes it. Objects
// stay open (additionalProperties) so the serialiser never drops a field the core adds later.
import { recipientStates } from '../../../preload/api-methods.js';
import { handActions } from '../../core/queue/delivery-transition.js';

const ruleText = {
  type: 'string',
  description: 'Which routing rule decided for this recipient, in words',
} as const;

const recipient = {
  type: 'object',
  additionalProperties: true,
  required: ['address', 'deliverTo', 'state', 'rule', 'route', 'attempts', 'history'],
  properties: {
    address: { type: 'string' },
    deliverTo: { type: 'string', description: 'The redirect target, or the address itself' },
    state: { type: 'string', enum: [...recipientStates] },
    rule: ruleText,
    route: {
      ...ruleText,
      deprecated: true,
      description:
        'Deprecated: the same text as `rule`, under its name before the rename (`route` now means the Received-chain analysis). Read `rule`.',
    },
    nextAttemptAt: { type: 'string', nullable: true },
    attempts: {
      type: 'array',
      description: 'Every attempt: upstream, TLS, SMTP reply, upstream queue ID, transcript',
      items: { type: 'object', additionalProperties: true },
    },
    advice: {
      type: 'object',
      additionalProperties: true,
      description:
        'Present when Relaydesk knows what the last refusal means and what to change (the upstream refused the sender: a Send as rule fixes it)',
      properties: { detail: { type: 'string' }, fix: { type: 'string' } },
    },
    history: {
      type: 'array',
      description:
        'Every state change with its time and reason, oldest first; an entry with `notice: "delay-warning"` says the sender was sent a delay warning (the state unchanged)',
      items: { type: 'object', additionalProperties: true },
    },
  },
} as const;

export const deliveryResponse = {
  200: {
    type: 'object',
    additionalProperties: true,
    required: ['ID', 'status', 'recipients', 'actions'],
    properties: {
      ID: { type: 'string' },
      status: { type: 'string' },
      recipients: { type: 'array', items: recipient },
      actions: {
        type: 'array',
        description:
          'The actions (POST /api/v1/queue/{action}) that would change at least one recipient now; empty once every recipient is final',
        items: { type: 'string', enum: [...handActions] },
      },
      rateLimited: {
        type: 'object',
        nullable: true,
        description:
          'Its recipients due now wait for the upstream rate limit: `limit` messages a `per`, the next may go at `until`; null when none does',
        properties: {
          limit: { type: 'integer' },
          per: { type: 'string', enum: ['second', 'minute', 'hour', 'day'] },
          until: { type: 'string', format: 'date-time' },
        },
      },
    },
  },
} as const;
