// The method's vocabulary, defined once: the names core computes with, the contract carries and the screens show.
// Only zod here, so that every layer may import it: core (the layer test allows this one file of src/shared), the
// engine, the contract and the renderer. Core's types are inferred from these lists.

import { z } from 'zod';

/** The paper's four ways to choose the demonstrations (§4.3). */
export const SELECTION_STRATEGIES = ['random', 'random-category', 'chrf-category', 'chrf-all'] as const;
export const Strategy = z.enum(SELECTION_STRATEGIES);

/** A probe's prompt without demonstrations: the measurement that selects the misaligned probes. */
export const ZERO_SHOT = 'zero-shot';
/**
 * The zero-shot prompt measured again with an independent seed. Probes are selected as misaligned on one noisy
 * measurement, so measuring them again "improves" some by chance alone (regression to the mean); this control
 * shows how many, beside each strategy.
 */
export const ZERO_SHOT_RETEST = 'zero-shot-retest';
/** What is compared with a misaligned probe's zero-shot measurement, in the order of every table: the control first. */
export const COMPARISONS = [ZERO_SHOT_RETEST, ...SELECTION_STRATEGIES] as const;
/** Every condition a probe is measured under, in the order of every table and chart. */
export const CONDITIONS = [ZERO_SHOT, ...COMPARISONS] as const;
export const Condition = z.enum(CONDITIONS);

/** How a response distribution is estimated: n samples, a prefix tree of n samples, or exact probabilities. */
export const ESTIMATORS = ['sampled', 'tree', 'exact'] as const;
export const Estimator = z.enum(ESTIMATORS);

/** `paper`: sampled at n = 10, judged by "below 100%"; `precise`: exact probabilities, the rule in expectation. */
export const PROTOCOLS = ['paper', 'precise'] as const;
/** A stored run's protocol: `none` for a run made before protocols. */
export const RunProtocol = z.enum([...PROTOCOLS, 'none']);

/** What self-alignment did to a misaligned probe's alignment. */
export const OUTCOMES = ['improved', 'unchanged', 'worsened'] as const;
export const Outcome = z.enum(OUTCOMES);

/** chrF++ is not symmetric: which text is the hypothesis when candidates are ranked. */
export const CHRF_DIRECTIONS = ['probe-as-hypothesis', 'probe-as-reference', 'mean'] as const;
export const ChrfDirection = z.enum(CHRF_DIRECTIONS);

/** Where llama.cpp runs a local model. */
export const GPU_CHOICES = ['auto', 'cuda', 'vulkan', 'metal', 'cpu'] as const;
export const Gpu = z.enum(GPU_CHOICES);

/** The phases of a run, in order. */
export const RUN_PHASES = ['zero-shot', 'self-aligned', 'explanations'] as const;
export const RunPhase = z.enum(RUN_PHASES);
