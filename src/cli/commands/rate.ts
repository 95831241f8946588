/**
 * `genreport rate <config>`: a blind rating session over the run's models and
 * real data, served on 127.0.0.1 until stopped (Ctrl-C). One link per rater is
 * printed at start; answers go to <out>/ratings.jsonl as they arrive. Run it
 * again with the same --out to continue: every rater resumes where they were.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { readConfig } from '../../config/config.ts';
import { BACKEND_CHOICES, initBackend, type BackendPreference } from '../../core/backend.ts';
import { inputError } from '../../core/errors.ts';
import { createLogger } from '../../core/logger.ts';
import { RatingsStore } from '../../human/ratings.ts';
import { createRatingServer } from '../../human/server.ts';
import { RATINGS_FILE } from '../../human/session.ts';

interface RateArgs {
  config: string;
  out?: string;
  port: number;
  host: string;
  raters: number;
  items: number;
  pairs: number;
  backend: BackendPreference;
  quiet: boolean;
}

const LOOPBACK = ['127.0.0.1', '::1', 'localhost'];

export async function runRate(args: RateArgs): Promise<void> {
  for (const [flag, value, min] of [
    ['--raters', args.raters, 1],
    ['--items', args.items, 1],
    ['--pairs', args.pairs, 0],
    ['--port', args.port, 0],
  ] as const) {
    if (!Number.isInteger(value) || value < min || (flag === '--port' && value > 65535))
      throw inputError(
        undefined,
        `must be a whole number ${min === 0 ? '≥ 0' : '≥ 1'}${flag === '--port' ? ' and ≤ 65535' : ''}, got ${value}`,
        flag,
      );
  }
  const logger = createLogger({ quiet: args.quiet });
  const { config, file } = readConfig(args.config);
  const dir = resolve(args.out ?? join(dirname(file), `${basename(file, extname(file))}-rating`));
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, 'session.json'))) await initBackend(args.backend);
  // Sampling brings tfjs and sharp: loaded only when a session is opened.
  const { openSession } = await import('../../human/draw.ts');
  const { plan, resumed } = await openSession(
    dir,
    args.config,
    config,
    { items: args.items, pairs: args.pairs, raters: args.raters },
    logger,
  );
  const store = new RatingsStore(join(dir, RATINGS_FILE));
  const server = createRatingServer({ dir, plan, store });
  await new Promise<void>((done, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      fail(
        e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL'
          ? inputError(
              undefined,
              `cannot listen on ${args.host}:${args.port} (${e.code})`,
              e.code === 'EADDRNOTAVAIL' ? '--host' : '--port',
            )
          : e,
      ),
    );
    server.listen(args.port, args.host, () => done());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : args.port;
  const host = args.host.includes(':') ? `[${args.host}]` : args.host;
  logger.info(
    `${resumed ? 'continuing' : 'new'} rating session in ${dir}: ${plan.items.length} screens per rater (${plan.images.length} images, ${plan.items.length - plan.images.length} pairs)`,
  );
  if (resumed && plan.seed !== config.seed)
    logger.warn(
      `${join(dir, 'session.json')} was drawn with seed ${plan.seed}, the config now says ${config.seed}: the session keeps its images; use another --out for a new one`,
    );
  if (!LOOPBACK.includes(args.host))
    logger.warn(`serving on ${args.host}, not only this machine: anyone who can reach it and holds a link can rate`);
  // The links go to stdout, one per line, so a script can read them.
  for (const rater of plan.raters) {
    const done = store.count(rater.name);
    process.stdout.write(
      `${rater.name}: http://${host}:${port}/r/${rater.token}/${done > 0 ? `  (${done}/${rater.order.length} answered)` : ''}\n`,
    );
  }
  logger.info('answers are saved as they arrive; press Ctrl-C to stop, run the same command to continue');
  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      server.close(() => done());
      server.closeAllConnections();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  store.close();
  logger.info(`stopped; ${store.ratings.length} answers in ${join(dir, RATINGS_FILE)}`);
}

/** Options and work of `genreport rate <config>`; its name and one-liner are in ../command-list.ts, read without loading this file. */
export const rateCommand: Required<Pick<CommandModule<object, RateArgs>, 'builder' | 'handler'>> = {
  builder: (y) =>
    y
      .positional('config', {
        type: 'string',
        demandOption: true,
        describe: 'the run config: its models, real data and seed',
      })
      .option('out', {
        type: 'string',
        describe: 'session folder: session.json, images/, ratings.jsonl (default: <config>-rating beside the config)',
      })
      .option('port', { type: 'number', default: 8327, describe: 'port to listen on (0: any free port)' })
      .option('host', {
        type: 'string',
        default: '127.0.0.1',
        describe:
          'address to listen on; anything but loopback serves other machines (the rater links are still needed)',
      })
      .option('raters', {
        type: 'number',
        default: 2,
        describe: 'rater links to make (more can be added when continuing)',
      })
      .option('items', { type: 'number', default: 40, describe: 'images per model, and real images, in a new session' })
      .option('pairs', {
        type: 'number',
        default: 10,
        describe: 'side-by-side screens per two models in a new session',
      })
      .option('backend', {
        choices: BACKEND_CHOICES,
        default: 'auto' as BackendPreference,
        describe: 'TensorFlow.js backend for sampling',
      })
      .option('quiet', {
        type: 'boolean',
        default: false,
        describe: 'print only the rater links and warnings',
      }) as never,
  handler: (args) => runRate(args),
};
