/**
 * Images to the channel count an extractor takes, never silently:
 * grey → RGB by replicating the one channel; RGB → grey by the mean of the
 * three channels, which loses colour and so comes with a warning.
 */
import { imageBatch, type ImageBatch } from '../../core/types.ts';

export interface ChannelMatch {
  images: ImageBatch;
  /** What was done, for the extractor's provenance ('as is' when nothing). */
  handling: string;
  warning?: string;
}

export function matchChannels(batch: ImageBatch, channels: 1 | 3, extractorName: string): ChannelMatch {
  if (batch.channels === channels) return { images: batch, handling: channels === 3 ? 'RGB as is' : 'grey as is' };
  const pixels = batch.n * batch.height * batch.width;
  if (batch.channels === 1 && channels === 3) {
    const out = imageBatch(batch.n, batch.height, batch.width, 3);
    for (let p = 0; p < pixels; p++) {
      const v = batch.data[p]!;
      out.data[3 * p] = v;
      out.data[3 * p + 1] = v;
      out.data[3 * p + 2] = v;
    }
    return { images: out, handling: 'grey → RGB by channel replication' };
  }
  if (batch.channels === 3 && channels === 1) {
    const out = imageBatch(batch.n, batch.height, batch.width, 1);
    for (let p = 0; p < pixels; p++)
      out.data[p] = (batch.data[3 * p]! + batch.data[3 * p + 1]! + batch.data[3 * p + 2]!) / 3;
    return {
      images: out,
      handling: 'RGB → grey by channel mean (colour lost)',
      warning: `${extractorName} takes 1-channel images: RGB images were averaged to grey, so colour differences are invisible to it`,
    };
  }
  throw new Error(`cannot match ${batch.channels} channels to ${channels}`);
}
