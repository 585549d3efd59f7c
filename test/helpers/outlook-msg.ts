// Outlook .msg files for tests, laid out as Outlook writes them (MS-OXMSG): a Compound File with
// the properties stream at the top, each string property in a `__substg1.0_<tag><type>` stream,
// and an attachment in a storage of its own. Written with SheetJS's cfb, whose writer is not the
// code under test (that reads, with the same library, only the streams it needs).
import { utils, write } from 'cfb';

const utf16 = (text: string): Buffer => Buffer.from(`${text}\0`, 'utf16le');

export interface OutlookMsgOptions {
  subject: string;
  /** PR_TRANSPORT_MESSAGE_HEADERS; none for a draft or a sent message. */
  headers?: string;
  /** The headers as PT_STRING8 (0x001E, the message's code page) instead of Unicode. */
  eightBit?: boolean;
  /** Headers of an attached message (a forwarded one), which are not this message's. */
  attachedHeaders?: string;
}

export function outlookMsg(options: OutlookMsgOptions): Buffer {
  const file = utils.cfb_new();
  // the fixed part of the top-level property stream: 32 bytes of header, no properties listed
  utils.cfb_add(file, '/__properties_version1.0', Buffer.alloc(32));
  utils.cfb_add(file, '/__substg1.0_001A001F', utf16('IPM.Note'));
  utils.cfb_add(file, '/__substg1.0_0037001F', utf16(options.subject));
  if (options.headers !== undefined) {
    utils.cfb_add(
      file,
      options.eightBit ? '/__substg1.0_007D001E' : '/__substg1.0_007D001F',
      options.eightBit ? Buffer.from(`${options.headers}\0`, 'latin1') : utf16(options.headers),
    );
  }
  if (options.attachedHeaders !== undefined) {
    const attachment = '/__attach_version1.0_#00000000';
    utils.cfb_add(file, `${attachment}/__properties_version1.0`, Buffer.alloc(8));
    utils.cfb_add(
      file,
      `${attachment}/__substg1.0_3701000D/__substg1.0_007D001F`,
      utf16(options.attachedHeaders),
    );
  }
  return write(file, { type: 'buffer' }) as Buffer;
}

/** A Word 97 document: a Compound File too, but no message. */
export function wordDocument(): Buffer {
  const file = utils.cfb_new();
  utils.cfb_add(file, '/WordDocument', Buffer.alloc(4096, 1));
  utils.cfb_add(file, '/1Table', Buffer.alloc(512, 2));
  return write(file, { type: 'buffer' }) as Buffer;
}
