// What an attachment really is, from its first bytes (file-type's magic numbers), not only from
// its name: a PE executable renamed `invoice.pdf` is still an `exe`. And whether a ZIP archive's
// entries are encrypted (APPNOTE.TXT §4.4.4: bit 0 of the general purpose flag), since no
// scanner can look inside those and malware is sent that way on purpose.

export interface AttachmentType {
  /** The extension of the file name, lower case, or '' when it has none. */
  nameExt: string;
  /** The extension file-type gives the content (`exe`, `elf`, `zip`…), or null when unknown. */
  sniffedExt: string | null;
  sniffedMime: string | null;
}

/** file-type needs at most this many bytes to recognise what it knows. */
const sniffBytes = 4100;

export async function attachmentType(
  fileName: string,
  content: Uint8Array,
): Promise<AttachmentType> {
  const nameExt = extensionOf(fileName);
  // loaded on first use: only an attachment policy sniffs types
  const { fileTypeFromBuffer } = await import('file-type');
  const found = await fileTypeFromBuffer(content.subarray(0, sniffBytes)).catch(() => undefined);
  return { nameExt, sniffedExt: found?.ext ?? null, sniffedMime: found?.mime ?? null };
}

/**
 * The extension a file gets when it is saved: Windows drops trailing dots and spaces from a
 * name, so `setup.exe.` and `setup.exe ` are saved, and run, as `setup.exe`. An archive entry's
 * folders (`docs/setup.exe`, `docs\\setup.exe`) do not count.
 */
export function extensionOf(fileName: string): string {
  const base = fileName.replace(/[\s.]+$/u, '');
  const name = base.slice(Math.max(base.lastIndexOf('/'), base.lastIndexOf('\\')) + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

const localHeader = 0x04034b50;
const centralHeader = 0x02014b50;
const endHeader = 0x06054b50;

/**
 * The names of a ZIP archive's entries, from its central directory (APPNOTE.TXT §4.3.12), so a
 * blocked type can be refused inside an archive too, without unpacking it.
 */
export function zipEntryNames(data: Uint8Array): string[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  // the end record is the last 22 bytes, or more before them when the archive has a comment
  let end = -1;
  for (let i = data.length - 22; i >= Math.max(0, data.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === endHeader) {
      end = i;
      break;
    }
  }
  if (end < 0) return [];
  const count = view.getUint16(end + 10, true);
  let offset = view.getUint32(end + 16, true);
  const names: string[] = [];
  for (let n = 0; n < count && offset + 46 <= data.length; n++) {
    if (view.getUint32(offset, true) !== centralHeader) break;
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    const name = data.subarray(offset + 46, Math.min(data.length, offset + 46 + nameLength));
    names.push(Buffer.from(name).toString('utf8'));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

/**
 * Whether a ZIP archive has an encrypted entry. Reads the local headers in order (skipping each
 * entry's data by its compressed size) and, when a header defers its sizes to a data
 * descriptor, the central directory at the end instead.
 */
export function zipHasEncryptedEntry(data: Uint8Array): boolean {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const at = (offset: number): number =>
    offset + 4 <= data.length ? view.getUint32(offset, true) : -1;
  let offset = 0;
  while (at(offset) === localHeader && offset + 30 <= data.length) {
    const flags = view.getUint16(offset + 6, true);
    if (flags & 1) return true;
    if (flags & 8) break; // sizes follow the data: use the central directory
    const compressed = view.getUint32(offset + 18, true);
    const nameLength = view.getUint16(offset + 26, true);
    const extraLength = view.getUint16(offset + 28, true);
    offset += 30 + nameLength + extraLength + compressed;
  }
  // the central directory: find its entries from the end record's offset, or by signature
  for (let i = data.length - 46; i >= 0; i--) {
    if (at(i) !== centralHeader) continue;
    if (view.getUint16(i + 8, true) & 1) return true;
  }
  return false;
}
