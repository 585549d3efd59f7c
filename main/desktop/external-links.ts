// Links in mail and in the UI open in the user's browser or mail program, and only those: a
// file:, javascript:, smb: or custom-scheme URL could run or reveal something on this machine.
export const externalSchemes = ['http:', 'https:', 'mailto:'] as const;

export function isSafeExternalUrl(url: string): boolean {
  try {
    return (externalSchemes as readonly string[]).includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

/** Opens the URL with the OS when its scheme is allowed; says whether it did. */
export function openExternalSafely(
  url: string,
  shell: { openExternal(url: string): Promise<void> },
): boolean {
  if (!isSafeExternalUrl(url)) return false;
  void shell.openExternal(url);
  return true;
}
