import { BatchNorm } from './batchnorm.js';

/**
 * torch.nn.BatchNorm2d over NCHW input, with `weight`, `bias`, and buffers `running_mean`,
 * `running_var`, `num_batches_tracked` (int64), under PyTorch's names.
 */
export class BatchNorm2d extends BatchNorm {
  protected readonly inputRank = 4;
}
