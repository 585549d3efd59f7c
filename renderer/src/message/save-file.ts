/**
 * Saves text or bytes the page already holds as a file through the browser's download (over
 * HTTP and inside the desktop app alike: a blob needs no route). The URL is revoked later, not
 * at once: the download reads it after the click returns.
 */
export function saveFile(name: string, content: string | Uint8Array | Blob, type: string): void {
  const blob =
    content instanceof Blob
      ? content
      : new Blob([typeof content === 'string' ? content : (content as BlobPart)], { type });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
