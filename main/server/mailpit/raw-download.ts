// A message's source as Mailpit's `raw?dl=1` downloads it, for the HTTP route and the desktop
// window's IPC alike: the stored bytes untouched (an 8-bit message that is not UTF-8 must come
// out as it went in), under the real ID's name (`latest` resolved), with Mailpit's content type.
import type { MessagePartContent } from '../../../preload/api-contract.js';
import type { RelayService } from '../../core/relay-service.js';

/** Mailpit answers a message's source as text, whatever its bytes. */
export const rawContentType = 'text/plain; charset=utf-8';

/** `{ID}.eml`, with the real ID for `latest`, as the message is kept under it. */
export function rawFileName(service: RelayService, id: string): string {
  return `${service.record(id).id.replace(/[^A-Za-z0-9._-]/g, '_')}.eml`;
}

export async function rawDownload(service: RelayService, id: string): Promise<MessagePartContent> {
  const raw = await service.raw(id);
  return {
    FileName: rawFileName(service, id),
    ContentType: rawContentType,
    Data: new Uint8Array(raw.buffer, raw.byteOffset, raw.length),
  };
}
