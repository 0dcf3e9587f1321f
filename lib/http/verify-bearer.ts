import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Check an `Authorization: Bearer <token>` header against the expected token in constant time
 * (both sides are hashed to equal length first, so neither content nor length leaks).
 * @returns true when the header carries exactly the expected token
 */
export function verifyBearer(header: string | undefined, expectedToken: string): boolean {
  const match = /^Bearer ([^\s]+)$/i.exec(header?.trim() ?? "");
  const given = createHash("sha256").update(match?.[1] ?? "").digest();
  const expected = createHash("sha256").update(expectedToken).digest();
  return timingSafeEqual(given, expected) && match !== null && expectedToken.length > 0;
}
