// Where webhooks go: absolute http(s) URLs, given as --webhook-url (repeatable), a
// comma-separated RELAYDESK_WEBHOOK_URL or an array in the settings file.

export function parseWebhookUrls(raw: unknown): string[] | undefined {
  const list =
    typeof raw === 'string'
      ? raw
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean)
      : raw;
  if (!Array.isArray(list) || list.length > 20) return undefined;
  const urls: string[] = [];
  for (const item of list) {
    if (typeof item !== 'string') return undefined;
    try {
      const url = new URL(item);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
      urls.push(url.href);
    } catch {
      return undefined;
    }
  }
  return urls;
}

/** A URL as the logs and the delivery log show it: no user or password, ever. */
export function displayUrl(href: string): string {
  const url = new URL(href);
  url.username = '';
  url.password = '';
  return url.href;
}
