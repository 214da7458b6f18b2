// Items that cannot be trusted as published: probes whose wording does not ask what their WVS question asks (the
// problems listed in docs/answer-key.md). They are kept and shown, carry the reason, and runs leave them out as
// test items and as demonstrations unless the run includes them. The list is data/item-validity.csv: a rule
// applies to the published Arora et al. files or to every probe set, in every language or in the ones named.

import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { builtinDataPath } from '../resources.js';
import type { Probe } from './probe.js';

export interface ItemValidityRule {
  probeId: string;
  /** `published`: the Arora et al. files as published (their translations); `all`: any probe set. */
  appliesTo: 'published' | 'all';
  /** The languages it applies to, or every language. */
  languages: readonly string[] | 'all';
  reason: string;
}

let builtin: ItemValidityRule[] | undefined;

export function builtinItemValidity(): readonly ItemValidityRule[] {
  builtin ??= (parse(readFileSync(builtinDataPath('item-validity.csv'), 'utf8'), { columns: true }) as Record<string, string>[]).map((row) => ({
    probeId: row.probe_id!,
    appliesTo: row.applies_to === 'all' ? 'all' : 'published',
    languages: row.languages === '*' ? 'all' : row.languages!.split(/\s+/),
    reason: row.reason!,
  }));
  return builtin;
}

/** Why a probe of a set of this format is not valid as published, or null when nothing is known against it. */
export function validityIssue(probe: Pick<Probe, 'id' | 'language'>, setFormat: string, rules: readonly ItemValidityRule[] = builtinItemValidity()): string | null {
  const rule = rules.find(
    (r) => r.probeId === probe.id && (r.appliesTo === 'all' || setFormat === 'arora') && (r.languages === 'all' || r.languages.includes(probe.language)),
  );
  return rule?.reason ?? null;
}
