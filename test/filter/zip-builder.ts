// A one-entry ZIP archive (stored, no compression) written byte by byte after APPNOTE.TXT, so
// the tests need no zip tool. `encrypted` sets the entry's encryption flag (bit 0) and puts a
// 12-byte traditional-encryption header before the data, as `zip -P` does.
import { crc32 } from 'node:zlib';

export function storedZip(name: string, content: Buffer, encrypted = false): Buffer {
  const fileName = Buffer.from(name);
  const data = encrypted ? Buffer.concat([Buffer.alloc(12, 0x5a), content]) : content;
  const crc = crc32(content);
  const flags = encrypted ? 1 : 0;
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(flags, 6);
  local.writeUInt16LE(0, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(content.length, 22);
  local.writeUInt16LE(fileName.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(flags, 8);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(content.length, 24);
  central.writeUInt16LE(fileName.length, 28);
  const centralOffset = local.length + fileName.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + fileName.length, 12);
  end.writeUInt32LE(centralOffset, 16);
  return Buffer.concat([local, fileName, data, central, fileName, end]);
}
