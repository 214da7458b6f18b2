// The reviewer's controls as ids: each id of issue 24 read as documented, suffixes on any strategy, one written
// form, and every malformed id refused with the id and what is allowed.

import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import { controlId, parseControlId, SUGGESTED_CONTROLS } from './control-ids.js';

describe('control ids', () => {
  it('reads each control the screens offer', () => {
    expect(parseControlId('persona')).toEqual({
      id: 'persona',
      strategy: null,
      persona: true,
      labels: { kind: 'country' },
      k: null,
      placement: 'user',
    });
    const base = { strategy: 'chrf-all', persona: false, labels: { kind: 'country' }, k: null, placement: 'user' };
    expect(parseControlId('chrf-all+persona')).toEqual({ ...base, id: 'chrf-all+persona', persona: true });
    expect(parseControlId('chrf-all/random-labels')).toEqual({
      ...base,
      id: 'chrf-all/random-labels',
      labels: { kind: 'random' },
    });
    expect(parseControlId('chrf-all/flipped-labels').labels).toEqual({ kind: 'flipped' });
    expect(parseControlId('chrf-all/share-labels').labels).toEqual({ kind: 'shares' });
    expect(parseControlId('chrf-all/country=DEU').labels).toEqual({ kind: 'other-country', country: 'DEU' });
    expect(parseControlId('chrf-all/k=1').k).toBe(1);
    expect(parseControlId('chrf-all/k=10').k).toBe(10);
    expect(parseControlId('chrf-all/system').placement).toBe('system');
    // The offered templates (ISO3, N) are filled in before use; the others are ids as they stand.
    for (const { id } of SUGGESTED_CONTROLS.filter((c) => !/ISO3|=N/.test(c.id)))
      expect(parseControlId(id).id).toBe(id);
  });

  it('applies the suffixes to any strategy, combined, in one written form', () => {
    expect(parseControlId('random-category/k=3')).toMatchObject({ strategy: 'random-category', k: 3 });
    const combined = parseControlId(' chrf-category+persona/system/k=2/country=tur ');
    expect(combined).toEqual({
      id: 'chrf-category+persona/country=TUR/k=2/system',
      strategy: 'chrf-category',
      persona: true,
      labels: { kind: 'other-country', country: 'TUR' },
      k: 2,
      placement: 'system',
    });
    expect(controlId(combined)).toBe(combined.id);
    expect(parseControlId(combined.id)).toEqual(combined);
  });

  it('refuses a malformed id with the id and what is allowed', () => {
    const refusal = (id: string) => {
      try {
        parseControlId(id);
      } catch (error) {
        expect(error).toBeInstanceOf(UserError);
        return (error as UserError).message;
      }
      throw new Error(`"${id}" was read`);
    };
    for (const [id, why] of [
      ['best', 'starts with "best", which is no strategy'],
      ['chrf-all+person', 'starts with "chrf-all+person"'],
      ['', 'starts with ""'],
      ['persona/k=3', 'persona alone has none'],
      ['chrf-all/k=0', 'asks for 0 demonstrations'],
      ['chrf-all/k=11', 'asks for 11 demonstrations'],
      ['chrf-all/k=3/k=4', 'gives k twice'],
      ['chrf-all/country=DE', 'has "/country=DE"'],
      ['chrf-all/random-labels/flipped-labels', 'names two label sources'],
      ['chrf-all/system/system', 'says /system twice'],
      ['chrf-all/flipped', 'has "/flipped", which changes nothing the workbench knows'],
    ]) {
      const message = refusal(id!);
      expect(message, id).toContain(`the control "${id}"`);
      expect(message, id).toContain(why!);
      expect(message, id).toContain(
        'a control is persona; or a strategy (random, random-category, chrf-category, chrf-all)',
      );
    }
  });
});
