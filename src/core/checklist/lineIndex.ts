/**
 * Byte offsets of line starts, split the way markdown-it counts lines (`\r\n`, `\r` and `\n` all end a line),
 * so that markdown-it's `token.map` line numbers can be turned into exact byte positions of the original file.
 */
export function lineStartOffsets(bytes: Uint8Array): number[] {
  const starts = [0];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x0a) starts.push(i + 1);
    else if (b === 0x0d) {
      if (bytes[i + 1] === 0x0a) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

/** True when the buffer starts with the UTF-8 byte order mark EF BB BF. */
export function hasUtf8Bom(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}
