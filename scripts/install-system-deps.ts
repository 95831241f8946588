/**
 * The test suite's system packages (chromium, libopenblas0-pthread,
 * poppler-utils, strace), installed by genreport's one installer
 * (src/cli/system-packages.ts), which the demo uses too. Run by
 * scripts/install-system-deps.sh.
 */
import { createLogger } from '../src/core/logger.ts';
import { ensureSystemPackages, missingSystemPackages, SYSTEM_NEEDS } from '../src/cli/system-packages.ts';

const logger = createLogger();
ensureSystemPackages(logger, { pdf: true, need: SYSTEM_NEEDS.tests });
const missing = missingSystemPackages(SYSTEM_NEEDS.tests);
logger.info(
  missing.length
    ? `system packages still missing: ${missing.join(', ')} (the tests that need them are skipped)`
    : 'system packages: all present',
);
