import { open } from 'node:fs/promises';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
// Signature, then the IHDR chunk's length and type, then its width and height (big-endian).
const HEADER_LENGTH = 24;

interface PngSize {
  width: number;
  height: number;
}

/** The pixel size from a PNG's IHDR chunk, which the format requires to come first. */
export async function readPngSize(file: string): Promise<PngSize> {
  const handle = await open(file, 'r');
  try {
    const header = Buffer.alloc(HEADER_LENGTH);
    const { bytesRead } = await handle.read(header, 0, HEADER_LENGTH, 0);
    if (bytesRead < HEADER_LENGTH || !header.subarray(0, 8).equals(SIGNATURE) || header.toString('ascii', 12, 16) !== 'IHDR') {
      throw new Error(`${file} is not a PNG image.`);
    }
    return { width: header.readUInt32BE(16), height: header.readUInt32BE(20) };
  } finally {
    await handle.close();
  }
}
