import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

/** The README's settings table: each setting's name and its default cell, in order. */
export function settingsTable(): Map<string, string> {
  const section = /^## Settings\n([\s\S]*?)(?=^## )/m.exec(readFileSync('README.md', 'utf8'))?.[1];
  assert.ok(section, 'README.md has a Settings section');
  return new Map([...section.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \| ([^|]*) \|/gm)].map((match) => [match[1]!, match[2]!.trim()]));
}
