// Applies the attachment policy to the parts of one message: refused file types (by name and
// by sniffed content), the size limit, and encrypted archives. Each finding carries a sentence
// that says which attachment and why, for the SMTP reply, the audit log and the message.
import { blockedTypes, type AttachmentPolicy } from './filter-settings.js';
import {
  attachmentType,
  extensionOf,
  zipEntryNames,
  zipHasEncryptedEntry,
} from './attachment-type.js';

export interface AttachmentPart {
  fileName: string;
  contentType: string;
  content: Uint8Array;
  /** The attached message this part came out of (a forwarded `.eml`), if any. */
  within?: string;
}

export interface AttachmentFinding {
  fileName: string;
  reason: string;
}

function shown(name: string): string {
  const clean = name.replace(/[^\x20-\x7e]/g, '?');
  return JSON.stringify(clean.length > 80 ? `${clean.slice(0, 77)}...` : clean || '(no name)');
}

export async function inspectAttachment(
  part: AttachmentPart,
  policy: AttachmentPolicy,
): Promise<AttachmentFinding | null> {
  const name = `${shown(part.fileName)}${part.within === undefined ? '' : ` (in ${shown(part.within)})`}`;
  const type = await attachmentType(part.fileName, part.content);
  const blocked = blockedTypes(policy);
  if (type.sniffedExt && blocked.has(type.sniffedExt)) {
    const disguised = type.nameExt !== type.sniffedExt;
    return {
      fileName: part.fileName,
      reason: `attachment ${name} is ${type.sniffedExt} content (${type.sniffedMime ?? 'by its magic bytes'})${disguised ? `, named as ${type.nameExt ? `.${type.nameExt}` : 'having no extension'}` : ''}; ${type.sniffedExt} files are not allowed`,
    };
  }
  if (type.nameExt && blocked.has(type.nameExt)) {
    return {
      fileName: part.fileName,
      reason: `attachment ${name}: .${type.nameExt} files are not allowed`,
    };
  }
  if (policy.maxSize !== null && part.content.length > policy.maxSize) {
    return {
      fileName: part.fileName,
      reason: `attachment ${name} is ${part.content.length} bytes; attachments may be at most ${policy.maxSize} bytes`,
    };
  }
  const isZip = type.sniffedExt === 'zip' || (type.sniffedExt === null && type.nameExt === 'zip');
  // zipping a script or a program is how such files are usually sent past a filter by name
  const packed = isZip
    ? zipEntryNames(part.content).find((n) => blocked.has(extensionOf(n)))
    : undefined;
  if (packed !== undefined) {
    return {
      fileName: part.fileName,
      reason: `attachment ${name} holds ${shown(packed)}: .${extensionOf(packed)} files are not allowed`,
    };
  }
  if (policy.encrypted && isZip && zipHasEncryptedEntry(part.content)) {
    return {
      fileName: part.fileName,
      reason: `attachment ${name} is an encrypted archive, which cannot be scanned; encrypted archives are not allowed`,
    };
  }
  return null;
}

export async function inspectAttachments(
  parts: readonly AttachmentPart[],
  policy: AttachmentPolicy,
): Promise<AttachmentFinding[]> {
  const findings: AttachmentFinding[] = [];
  for (const part of parts) {
    const finding = await inspectAttachment(part, policy);
    if (finding) findings.push(finding);
  }
  return findings;
}
