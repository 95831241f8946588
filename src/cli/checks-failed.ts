/**
 * Thrown by `genreport check` when the comparison ran and a rule failed: main
 * maps it to exit code 1. Its own file so that main can catch it without
 * loading the gate (zod, yaml) for every command.
 */
export class ChecksFailed extends Error {
  readonly exitCode = 1;
}
