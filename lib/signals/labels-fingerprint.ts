/**
 * Alertmanager's alert fingerprint, recomputed from the labels, for payloads of old Alertmanager versions
 * that do not send `fingerprint` (DESIGN.md 6.6). Pure: FNV-1a 64 over UTF-8 bytes, no node:crypto.
 */

const FNV64_OFFSET = 0xcbf29ce484222325n;
const FNV64_PRIME = 0x100000001b3n;
const UINT64_MASK = 0xffffffffffffffffn;
/** Byte that cannot occur in UTF-8; Prometheus separates label names and values with it (`model.SeparatorByte`). */
const SEPARATOR_BYTE = 0xff;

const utf8 = new TextEncoder();

function addBytes(hash: bigint, bytes: Iterable<number>): bigint {
  let h = hash;
  for (const byte of bytes) {
    h ^= BigInt(byte);
    h = (h * FNV64_PRIME) & UINT64_MASK;
  }
  return h;
}

function toHex16(hash: bigint): string {
  return hash.toString(16).padStart(16, "0");
}

/**
 * FNV-1a 64-bit hash of a string's UTF-8 bytes.
 *
 * @param text - any string
 * @returns 16 lower-case hex digits
 */
export function fnv1a64Hex(text: string): string {
  return toHex16(addBytes(FNV64_OFFSET, utf8.encode(text)));
}

/**
 * The fingerprint Alertmanager gives an alert with these labels: FNV-1a 64 over the label names sorted
 * bytewise, each name and value followed by the byte 0xff, as 16 hex digits. Source: prometheus/common
 * `model/signature.go` (`labelSetToFingerprint`) and `model/fnv.go`; Alertmanager's `Alert.Fingerprint()`
 * is the label set's fingerprint. Checked against a real payload (test/fixtures/alertmanager,
 * `resolved-single.pythonwebhook.json`: `fbab788ec4c1018b`), so an old payload without `fingerprint` gets
 * the same alert key as a newer one with it.
 *
 * @param labels - the alert's labels (names are ASCII in Prometheus, so code-unit order = byte order)
 * @returns 16 lower-case hex digits
 */
export function labelsFingerprint(labels: Readonly<Record<string, string>>): string {
  let h = FNV64_OFFSET;
  for (const name of Object.keys(labels).sort()) {
    h = addBytes(h, utf8.encode(name));
    h = addBytes(h, [SEPARATOR_BYTE]);
    h = addBytes(h, utf8.encode(labels[name] ?? ""));
    h = addBytes(h, [SEPARATOR_BYTE]);
  }
  return toHex16(h);
}
