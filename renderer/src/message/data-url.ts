/**
 * Bytes as a data: URL of their type: how an image this page fetched goes into a document that
 * may not fetch it itself (the preview's cid: parts, the screenshot's proxied remote images).
 */
export function bytesAsDataUrl(data: Uint8Array, type: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error(`unreadable ${type} content`));
    reader.readAsDataURL(new Blob([data as BlobPart], { type }));
  });
}
