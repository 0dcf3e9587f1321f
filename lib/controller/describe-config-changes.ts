/**
 * What a human changed in fleet.yaml between two commits, as short lines for a commit message, e.g.
 * `models[llama-3-8b].replicas.max: 8 → 6`. Lists of named objects (pools, models) are matched by
 * `name`, so reordering is not a change. Pure.
 */
import type { FleetConfig } from "../config/index.js";

/** Most lines listed; the rest are counted. */
export const MAX_CONFIG_CHANGE_LINES = 20;

type Json = unknown;

function show(value: Json): string {
  const text = JSON.stringify(value) ?? "absent";
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isNamedList(value: Json): value is Record<string, Json>[] {
  return Array.isArray(value) && value.every((v) => isObject(v) && typeof v["name"] === "string");
}

function diff(before: Json, after: Json, path: string, out: string[]): void {
  if (JSON.stringify(before) === JSON.stringify(after)) return;
  if (isNamedList(before) && isNamedList(after)) {
    const old = new Map(before.map((v) => [v["name"] as string, v]));
    const now = new Map(after.map((v) => [v["name"] as string, v]));
    for (const [name, value] of now) {
      const previous = old.get(name);
      if (previous === undefined) out.push(`${path}[${name}]: added`);
      else diff(previous, value, `${path}[${name}]`, out);
    }
    for (const name of old.keys()) if (!now.has(name)) out.push(`${path}[${name}]: removed`);
    return;
  }
  if (isObject(before) && isObject(after)) {
    for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) diff(before[key], after[key], path ? `${path}.${key}` : key, out);
    return;
  }
  out.push(`${path}: ${show(before)} → ${show(after)}`);
}

/** @returns one line per changed value (after defaults), at most MAX_CONFIG_CHANGE_LINES plus a count line. */
export function describeConfigChanges(before: FleetConfig, after: FleetConfig): string[] {
  const lines: string[] = [];
  diff(before, after, "", lines);
  if (lines.length <= MAX_CONFIG_CHANGE_LINES) return lines;
  return [...lines.slice(0, MAX_CONFIG_CHANGE_LINES), `… and ${lines.length - MAX_CONFIG_CHANGE_LINES} more changes`];
}
