/** Synthetic ratings with known shares, for the report and run tests. */
import type { Rating } from '../../src/human/ratings.ts';

export const AT = '2026-01-01T00:00:00Z';

/** Five raters: GAN images judged real 40% of the time, VAE 20%, real 80%; the GAN preferred 70:30. */
export function syntheticRatings(gan = 'dcgan-mnist', vae = 'vae-mnist', ganReal = 8): Rating[] {
  const out: Rating[] = [];
  for (let r = 1; r <= 5; r++) {
    const rater = `rater-${r}`;
    for (let i = 0; i < 20; i++) {
      out.push({
        v: 1,
        kind: 'single',
        rater,
        item: `g${i}`,
        image: `gi${i}`,
        source: gan,
        answer: i < ganReal ? 'real' : 'generated',
        at: AT,
      });
      out.push({
        v: 1,
        kind: 'single',
        rater,
        item: `v${i}`,
        image: `vi${i}`,
        source: vae,
        answer: i < 4 ? 'real' : i === 19 ? 'unsure' : 'generated',
        at: AT,
      });
      out.push({
        v: 1,
        kind: 'single',
        rater,
        item: `r${i}`,
        image: `ri${i}`,
        source: 'real',
        answer: (i + r) % 5 === 0 ? 'generated' : 'real',
        at: AT,
      });
      const ganWins = i < 10 + 2 * ((r - 1) % 5);
      out.push({
        v: 1,
        kind: 'pair',
        rater,
        item: `p${i}`,
        left: gan,
        right: vae,
        leftImage: `gi${i}`,
        rightImage: `vi${i}`,
        answer: ganWins ? 'left' : 'right',
        at: AT,
      });
    }
  }
  return out;
}
