// Reads rendered YAML back with the yaml package, the way a consumer (kubectl, Argo CD) would.
import { parseAllDocuments } from "yaml";

/** A parsed manifest: plain JSON-like data, read through loosely typed paths in assertions. */
export type Parsed = any;

export function parseDocuments(text: string): Parsed[] {
  return parseAllDocuments(text).map((doc) => {
    if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join("; "));
    return doc.toJS();
  });
}

export function parseOne(text: string | undefined): Parsed {
  if (text === undefined) throw new Error("file was not rendered");
  const docs = parseDocuments(text);
  if (docs.length !== 1) throw new Error(`expected one document, got ${docs.length}`);
  return docs[0];
}

export const CLUSTER = "clusters/prod-us-east-1";

export function modelFile(files: ReadonlyMap<string, string>, model: string, file: string): string | undefined {
  return files.get(`${CLUSTER}/llm/${model}/${file}`);
}
