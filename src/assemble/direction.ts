/**
 * Which way is better for a metric. Most are lower or higher; a ratio of
 * generated to real spread is best at 1, so it is "near one".
 */
import type { Direction } from './report-data.ts';

export const DIRECTIONS: readonly Direction[] = ['lower', 'higher', 'near-one'];

/** How far a value is from ideal in the metric's own terms: smaller is better. */
export function shortfall(direction: Direction, value: number): number {
  switch (direction) {
    case 'lower':
      return value;
    case 'higher':
      return -value;
    case 'near-one':
      return Math.abs(value - 1);
  }
}

export const DIRECTION_ARROWS: Record<Direction, string> = { lower: '↓', higher: '↑', 'near-one': '→1' };
export const DIRECTION_TEXT: Record<Direction, string> = {
  lower: 'lower is better',
  higher: 'higher is better',
  'near-one': 'closer to 1 is better',
};
