/**
 * The human stage of a run: read a session's ratings.jsonl and analyse it.
 * Returns results; assemble turns them into the report's section.
 */
import type { Logger } from '../core/logger.ts';
import { analyseRatings, type HumanAnalysis } from './analysis.ts';
import { readRatings } from './ratings.ts';

export function readHumanJudgments(
  human: { ratings: string; resamples: number },
  seed: number,
  logger: Logger,
): { ratings: string; analysis: HumanAnalysis } {
  const read = readRatings(human.ratings);
  if (read.partialTail !== null)
    logger.warn(`${human.ratings}: the last line is cut short (the server stopped while writing it) and is left out`);
  const analysis = analyseRatings(read.ratings, { seed, resamples: human.resamples });
  logger.info(`human judgments: ${read.ratings.length} answers from ${analysis.raters} raters in ${human.ratings}`);
  return { ratings: human.ratings, analysis };
}
