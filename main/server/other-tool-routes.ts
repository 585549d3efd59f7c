// MailDev's and smtp4dev's REST paths, which Relaydesk does not serve (it speaks Mailpit's and
// MailHog's APIs), and MailHog's one path it leaves out, each with the route that does the same
// here: a test suite moved over from those tools gets its 404 with the path to use instead of a
// bare "no such route".

interface OtherToolRoute {
  method: string;
  path: RegExp;
  tool: 'MailDev' | 'smtp4dev' | 'MailHog';
  what: string;
  here: string;
}

const id = '[^/]+';
// MailDev v2 serves its API at the root (/email…), v3 under /api (/api/email…)
const maildev = '(?:/api)?/email';
const smtp4dev = '/api/messages';

const routes: OtherToolRoute[] = [
  {
    method: 'GET',
    path: new RegExp(`^${maildev}(?:/summary)?/?$`),
    tool: 'MailDev',
    what: 'the list of messages',
    here: 'GET /api/v1/messages (search: GET /api/v1/search?query=)',
  },
  {
    method: 'DELETE',
    path: new RegExp(`^${maildev}/all$`),
    tool: 'MailDev',
    what: 'deleting every message',
    here: 'DELETE /api/v1/messages',
  },
  {
    method: 'PATCH',
    path: new RegExp(`^${maildev}/read-all$`),
    tool: 'MailDev',
    what: 'marking every message read',
    here: 'PUT /api/v1/messages with {"Read": true}',
  },
  {
    method: 'GET',
    path: new RegExp(`^${maildev}/${id}/html$`),
    tool: 'MailDev',
    what: 'the HTML body',
    here: 'GET /view/{ID}.html',
  },
  {
    method: 'GET',
    path: new RegExp(`^${maildev}/${id}/attachment/.+$`),
    tool: 'MailDev',
    what: 'an attachment by file name',
    here: "GET /api/v1/message/{ID}/part/{PartID} (each attachment's PartID is in GET /api/v1/message/{ID})",
  },
  {
    method: 'GET',
    path: new RegExp(`^${maildev}/${id}/download$`),
    tool: 'MailDev',
    what: 'the .eml download',
    here: 'GET /api/v1/message/{ID}/raw?dl=1',
  },
  {
    method: 'GET',
    path: new RegExp(`^${maildev}/${id}/source$`),
    tool: 'MailDev',
    what: 'the source',
    here: 'GET /api/v1/message/{ID}/raw',
  },
  {
    method: 'POST',
    path: new RegExp(`^${maildev}/${id}/relay(?:/.*)?$`),
    tool: 'MailDev',
    what: 'relaying a message',
    here: 'POST /api/v1/message/{ID}/release with {"To": [...]} (an upstream set with --relay-host)',
  },
  {
    method: 'GET',
    path: new RegExp(`^${maildev}/${id}$`),
    tool: 'MailDev',
    what: 'one message',
    here: 'GET /api/v1/message/{ID}',
  },
  {
    method: 'DELETE',
    path: new RegExp(`^${maildev}/${id}$`),
    tool: 'MailDev',
    what: 'deleting a message',
    here: 'DELETE /api/v1/messages with {"IDs": ["{ID}"]}',
  },
  {
    method: 'GET',
    path: /^(?:\/api)?\/healthz$/,
    tool: 'MailDev',
    what: 'the health check',
    here: 'GET /livez (and /readyz)',
  },
  {
    method: 'GET',
    path: new RegExp(`^${smtp4dev}/?$`),
    tool: 'smtp4dev',
    what: 'the list of messages',
    here: 'GET /api/v1/messages (one mailbox: GET /api/v1/search?query=mailbox:NAME)',
  },
  {
    method: 'DELETE',
    path: new RegExp(`^${smtp4dev}/\\*$`),
    tool: 'smtp4dev',
    what: 'deleting every message',
    here: 'DELETE /api/v1/messages',
  },
  {
    method: 'GET',
    path: new RegExp(`^${smtp4dev}/${id}/html$`),
    tool: 'smtp4dev',
    what: 'the HTML body',
    here: 'GET /view/{ID}.html',
  },
  {
    method: 'GET',
    path: new RegExp(`^${smtp4dev}/${id}/plaintext$`),
    tool: 'smtp4dev',
    what: 'the text body',
    here: 'GET /view/{ID}.txt',
  },
  {
    method: 'GET',
    path: new RegExp(`^${smtp4dev}/${id}/(?:raw|source|download)$`),
    tool: 'smtp4dev',
    what: 'the source',
    here: 'GET /api/v1/message/{ID}/raw (?dl=1 to download it as .eml)',
  },
  {
    method: 'POST',
    path: new RegExp(`^${smtp4dev}/${id}/relay$`),
    tool: 'smtp4dev',
    what: 'relaying a message',
    here: 'POST /api/v1/message/{ID}/release with {"To": [...]} (an upstream set with --relay-host)',
  },
  {
    method: 'GET',
    path: new RegExp(`^${smtp4dev}/${id}$`),
    tool: 'smtp4dev',
    what: 'one message',
    here: 'GET /api/v1/message/{ID}',
  },
  {
    method: 'DELETE',
    path: new RegExp(`^${smtp4dev}/${id}$`),
    tool: 'smtp4dev',
    what: 'deleting a message',
    here: 'DELETE /api/v1/messages with {"IDs": ["{ID}"]}',
  },
  {
    // MailHog sends the message to whatever SMTP server the request names: served here, the local
    // API would relay captured mail anywhere. Mailpit's release goes only where Settings say.
    method: 'POST',
    path: new RegExp(`^(?:/mailhog)?/api/v1/messages/${id}/release$`),
    tool: 'MailHog',
    what: 'releasing a message to an SMTP server named in the request',
    here: 'POST /api/v1/message/{ID}/release with {"To": [...]}, which relays through the upstream set with --relay-host (or Settings → Upstream); a server named in the request is never used, so the API cannot relay mail anywhere',
  },
  {
    method: 'GET',
    path: /^\/api\/mailboxes\/?$/,
    tool: 'smtp4dev',
    what: 'the mailboxes',
    here: 'GET /api/v1/mailboxes',
  },
  {
    method: 'GET',
    path: /^\/api\/sessions(?:\/.*)?$/,
    tool: 'smtp4dev',
    what: 'the SMTP sessions',
    here: 'GET /api/v1/audit/log (one smtp-audit line per connection, AUTH, recipient and message)',
  },
];

/** What does the same here, in words, when `method path` is one of the routes above; else null. */
export function otherToolRouteHint(method: string, path: string): string | null {
  const route = routes.find((r) => r.method === method && r.path.test(path));
  return route ? `${route.tool}'s route for ${route.what}; use ${route.here}` : null;
}
