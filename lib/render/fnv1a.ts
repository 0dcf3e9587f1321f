/**
 * FNV-1a, 32-bit, over the UTF-8 bytes of a string: a small, pure, deterministic hash for content-addressed
 * names (not a security hash). Constants from the FNV reference (offset basis 2166136261, prime 16777619;
 * http://www.isthe.com/chongo/tech/comp/fnv/).
 */

const OFFSET_BASIS = 0x811c9dc5;
const PRIME = 0x01000193;

/**
 * @returns the hash as 8 lower-case hex digits, e.g. `fnv1a32Hex("a") === "e40c292c"`
 */
export function fnv1a32Hex(text: string): string {
  let hash = OFFSET_BASIS;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, PRIME) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
