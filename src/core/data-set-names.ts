/**
 * The data sets genreport reads by name. The config resolves paths and
 * defaults with these names before any data is loaded; data/source.ts
 * holds one loader per name (its record is typed by this list).
 */
export const NAMED_DATA_SETS = ['mnist:train', 'mnist:test', 'cifar10:train', 'cifar10:test'] as const;

export type NamedDataSet = (typeof NAMED_DATA_SETS)[number];

/** A data set read by name (`mnist:test`), as opposed to a path. */
export function isNamedDataSet(spec: string): spec is NamedDataSet {
  return (NAMED_DATA_SETS as readonly string[]).includes(spec);
}

/**
 * The training split that goes with a named real set, for the memorisation
 * check and the density reference; none for the user's own data.
 */
export function defaultTrainSource(real: string): NamedDataSet | undefined {
  const train = `${real.split(':')[0]}:train`;
  return isNamedDataSet(real) && isNamedDataSet(train) ? train : undefined;
}
