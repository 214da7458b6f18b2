// The run configuration's schema (src/shared/method.ts, zod only) bounds a category number by a count it cannot
// import from core: the two must not drift apart.

import { expect, it } from 'vitest';
import { WVS_CATEGORY_COUNT } from '../../shared/method.js';
import { WVS_CATEGORIES } from './categories.js';

it('has as many categories as the run configuration accepts, numbered 1 to that count', () => {
  expect(WVS_CATEGORIES.map((c) => c.number)).toEqual(Array.from({ length: WVS_CATEGORY_COUNT }, (_, i) => i + 1));
});
