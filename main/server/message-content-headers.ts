// The headers of every answer that carries a message's own bytes: its source (`/raw`, MailHog's
// download), a part (attachment or inline image), a part's thumbnail, its HTML or text body
// (`/view`). Such bytes are the sender's, not ours, yet they are served on the API's origin; a
// part opened by its URL (an HTML attachment a user clicks, a link someone sends them) would run
// its script as that origin and could read and change everything the API holds. The download
// disposition and nosniff keep that from happening today; `sandbox` keeps it so whatever route
// serves a part inline, now or later: the document gets an opaque origin and no script.
import type { FastifyReply } from 'fastify';

/** No script, an opaque origin, no forms, no popups (CSP 3 `sandbox` with nothing allowed). */
export const messageContentSandbox = 'sandbox';

export function asMessageContent(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', messageContentSandbox)
    .header('x-content-type-options', 'nosniff');
}
