import { BatchNorm } from './batchnorm.js';

/**
 * torch.nn.BatchNorm3d over NCDHW volumes: per-channel statistics over batch, depth, height and
 * width; the same parameters and buffers as BatchNorm2d.
 */
export class BatchNorm3d extends BatchNorm {
  protected readonly inputRank = 5;
}
