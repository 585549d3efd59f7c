import type { RendererApi } from '../../api/client';

// The checks' answers, as the method table types them.
export type HtmlCheck = Awaited<ReturnType<RendererApi['htmlCheck']>>;
export type HtmlWarning = HtmlCheck['Warnings'][number];
export type LinkCheck = Awaited<ReturnType<RendererApi['linkCheck']>>;
export type SpamCheck = Awaited<ReturnType<RendererApi['spamCheck']>>;

export const percent = (value: number): string => `${Math.round(value)}%`;

type CheckedLink = LinkCheck['Links'][number];

/** Not asked: it leads to this machine or a private network, and Settings does not allow that. */
export const isBlockedLink = (link: CheckedLink): boolean => link.Blocked === true;

/** Answered with an error status, or not at all; a blocked link was never asked, so it is not. */
export const isFailedLink = (link: CheckedLink): boolean =>
  !isBlockedLink(link) && (link.StatusCode === 0 || link.StatusCode >= 400);

export const blockedLinks = (check: LinkCheck): number => check.Links.filter(isBlockedLink).length;
export const failedLinks = (check: LinkCheck): number => check.Links.filter(isFailedLink).length;

/** "Outlook Windows: 2007, 2010" lines for the client versions with the given support. */
export function clientsWith(warning: HtmlWarning, support: 'no' | 'partial'): string[] {
  const byClient = new Map<string, string[]>();
  for (const result of warning.Results) {
    if (result.Support !== support) continue;
    const client = result.Name.replace(/\s*\([^)]*\)$/, '');
    const versions = byClient.get(client) ?? [];
    versions.push(
      result.NoteNumber ? `${result.Version} (note ${result.NoteNumber})` : result.Version,
    );
    byClient.set(client, versions);
  }
  return [...byClient].map(([client, versions]) => `${client}: ${versions.join(', ')}`);
}
