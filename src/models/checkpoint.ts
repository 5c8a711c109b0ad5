/**
 * Training checkpoints: one safetensors file (readable by any safetensors tool) whose tensors are
 * the model's state dict under `model.`, the optimizer's per-parameter tensors under
 * `optimizer.<param index>.<name>` and the RNG states under `rng.<device>`, and whose string
 * metadata carries a format name and version (checked on load, as llm.c checks its magic), the
 * epoch, the resolved config, the optimizer's hyper-parameters and counters, the schedule and the
 * trainer's own state as JSON. Written atomically (temp file + rename).
 */
import type { GradScalerState } from '../optim/grad-scaler.js';
import { copyFileSync, renameSync } from 'node:fs';
import { Tensor } from '../torch/tensor.js';
import { getRngState } from '../torch/random.js';
import { tidy } from '../torch/scope.js';
import { saveSafetensors, loadSafetensors, TENSORS_SHA256 } from '../nn/safetensors.js';
import type { Module } from '../nn/module.js';
import type { OptimizerState, ParamState } from '../optim/optimizer.js';
import { AlzbenchError } from '../util/errors.js';

export const CHECKPOINT_FORMAT = 'alzbench-checkpoint';
export const CHECKPOINT_VERSION = 1;

/** What the trainer needs besides tensors to continue exactly. */
export interface TrainerState {
  /** Last completed epoch (1-based). */
  readonly epoch: number;
  /** Best epoch so far by the selection metric, and its value. */
  readonly best: { readonly epoch: number; readonly value: number } | null;
  /** Epochs since the best one (early stopping). */
  readonly badEpochs: number;
  /** Every epoch's record so far (metrics.jsonl is rebuilt from it on resume). */
  readonly history: readonly object[];
  /** float16 loss scaler (amp fp16 only). */
  readonly scaler?: GradScalerState;
}

/** A checkpoint as read back. Tensors are on the CPU; the caller disposes them. */
export interface Checkpoint {
  readonly version: number;
  readonly config: Record<string, unknown>;
  readonly model: Map<string, Tensor>;
  readonly optimizer: OptimizerState | null;
  readonly scheduler: Record<string, unknown> | null;
  readonly rng: Map<string, Tensor>;
  readonly trainer: TrainerState;
}

/** What {@link saveCheckpoint} writes. */
export interface CheckpointInput {
  readonly model: Module;
  readonly optimizer: { stateDict(): OptimizerState } | null;
  readonly scheduler: { stateDict(): object } | null;
  readonly config: object;
  readonly trainer: TrainerState;
  /** Devices whose generator state to keep (default ['cpu']). */
  readonly rngDevices?: readonly string[];
}

/**
 * Writes a checkpoint atomically (temp file + rename), with a SHA-256 of the tensor bytes in the
 * safetensors metadata (format: Hugging Face safetensors).
 *
 * @param path the `.ckpt` file to write (replaced if present; its folder must exist)
 * @param input the model (state dict under `model.`), optimizer and scheduler (null to leave out), the resolved
 *   config, the trainer's counters, and `rngDevices` whose generator state to save (default `['cpu']`)
 * @throws Error from node:fs (ENOENT, EACCES, ENOSPC) when the file cannot be written
 *
 * @example
 * saveCheckpoint('runs/x/checkpoints/last.ckpt', { model, optimizer, scheduler, config, trainer });
 */
export function saveCheckpoint(path: string, input: CheckpointInput): void {
  tidy(() => {
    const tensors = new Map<string, Tensor>();
    for (const [key, t] of input.model.stateDict()) tensors.set(`model.${key}`, t.to('cpu'));
    let optimizerMeta: unknown = null;
    if (input.optimizer) {
      const state = input.optimizer.stateDict();
      const scalars: Record<string, Record<string, number>> = {};
      for (const [index, entry] of Object.entries(state.state)) {
        for (const [name, value] of Object.entries(entry)) {
          if (value instanceof Tensor) tensors.set(`optimizer.${index}.${name}`, value.to('cpu'));
          else (scalars[index] ??= {})[name] = value;
        }
      }
      optimizerMeta = { paramGroups: state.paramGroups, scalars, indices: Object.keys(state.state).map(Number) };
    }
    for (const device of input.rngDevices ?? ['cpu']) tensors.set(`rng.${device}`, getRngState(device));
    saveSafetensors(
      path,
      tensors,
      {
        format: CHECKPOINT_FORMAT,
        version: String(CHECKPOINT_VERSION),
        epoch: String(input.trainer.epoch),
        config: JSON.stringify(input.config),
        optimizer: JSON.stringify(optimizerMeta),
        scheduler: JSON.stringify(input.scheduler ? input.scheduler.stateDict() : null),
        trainer: JSON.stringify(input.trainer),
      },
      { checksum: true },
    );
  });
}

/**
 * Copies a checkpoint file atomically (last.ckpt -> best.ckpt): copy to `<to>.tmp-<pid>`, then rename.
 *
 * @param from the checkpoint to copy
 * @param to the destination, replaced if present
 * @throws Error from node:fs (ENOENT, EACCES, ENOSPC) when the file cannot be read or written
 */
export function copyCheckpoint(from: string, to: string): void {
  const tmp = `${to}.tmp-${process.pid}`;
  copyFileSync(from, tmp);
  renameSync(tmp, to);
}

/** A checkpoint that is missing, unreadable, damaged or not ours. */
export class CheckpointError extends AlzbenchError {}

/**
 * Reads a checkpoint, checking its format, version and the SHA-256 of its tensors (in the
 * safetensors metadata, written by {@link saveCheckpoint}). Model tensors come back under their
 * state-dict keys.
 *
 * @param path the `.ckpt` file written by {@link saveCheckpoint}
 * @returns the version, config, model state dict, optimizer state (PyTorch's layout, or null), scheduler state
 *   (or null), RNG states by device and trainer state; every tensor on the CPU, owned by the caller (free with
 *   {@link disposeCheckpoint})
 * @throws CheckpointError (exit 2) when the file is missing, unreadable, damaged (checksum
 * mismatch or no checksum), not an alzbench checkpoint, or of another version: `Cannot read checkpoint
 * <path>: ...`, `<path> is not an alzbench checkpoint (format ...)`, `<path> is checkpoint version N; this
 * alzbench reads version 1`, or `... its <key> metadata is not JSON (...)`.
 */
export function loadCheckpoint(path: string): Checkpoint {
  let content;
  try {
    content = loadSafetensors(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CheckpointError(`Cannot read checkpoint ${path}: ${code ?? (error as Error).message}`, { exitCode: 2 });
  }
  const { tensors, metadata } = content;
  const dispose = () => tensors.forEach((t) => t.dispose());
  if (metadata.format === CHECKPOINT_FORMAT && metadata[TENSORS_SHA256] === undefined) {
    dispose();
    throw new CheckpointError(`Cannot read checkpoint ${path}: it carries no checksum of its tensors (${TENSORS_SHA256}), so its weights cannot be trusted`, {
      exitCode: 2,
    });
  }
  if (metadata.format !== CHECKPOINT_FORMAT) {
    dispose();
    throw new CheckpointError(`${path} is not an alzbench checkpoint (format ${JSON.stringify(metadata.format ?? null)})`, {
      hint: 'give a run folder or a .ckpt file from runs/<id>/checkpoints/',
      exitCode: 2,
    });
  }
  const version = Number(metadata.version);
  if (version !== CHECKPOINT_VERSION) {
    dispose();
    throw new CheckpointError(`${path} is checkpoint version ${metadata.version}; this alzbench reads version ${CHECKPOINT_VERSION}`, {
      hint: 'use the alzbench version that wrote it (run.json records the code version)',
      exitCode: 2,
    });
  }
  const model = new Map<string, Tensor>();
  const rng = new Map<string, Tensor>();
  const optimizerTensors = new Map<string, Tensor>();
  for (const [key, t] of tensors) {
    if (key.startsWith('model.')) model.set(key.slice(6), t);
    else if (key.startsWith('rng.')) rng.set(key.slice(4), t);
    else if (key.startsWith('optimizer.')) optimizerTensors.set(key.slice(10), t);
    else t.dispose();
  }
  const optimizerMeta = parseMeta(path, metadata, 'optimizer', 'null', dispose) as {
    paramGroups: Record<string, unknown>[];
    scalars: Record<string, Record<string, number>>;
    indices: number[];
  } | null;
  let optimizer: OptimizerState | null = null;
  if (optimizerMeta) {
    const state: Record<number, ParamState> = {};
    for (const index of optimizerMeta.indices) state[index] = { ...(optimizerMeta.scalars[index] ?? {}) };
    for (const [key, t] of optimizerTensors) {
      const dot = key.indexOf('.');
      (state[Number(key.slice(0, dot))] ??= {})[key.slice(dot + 1)] = t;
    }
    optimizer = { state, paramGroups: optimizerMeta.paramGroups };
  } else {
    optimizerTensors.forEach((t) => t.dispose());
  }
  const disposeAll = () => {
    model.forEach((t) => t.dispose());
    rng.forEach((t) => t.dispose());
    for (const entry of Object.values(optimizer?.state ?? {})) for (const v of Object.values(entry)) if (v instanceof Tensor) v.dispose();
  };
  return {
    version,
    config: parseMeta(path, metadata, 'config', '{}', () => disposeAll()) as Record<string, unknown>,
    model,
    optimizer,
    scheduler: parseMeta(path, metadata, 'scheduler', 'null', () => disposeAll()) as Record<string, unknown> | null,
    rng,
    trainer: (parseMeta(path, metadata, 'trainer', 'null', () => disposeAll()) as TrainerState | null) ?? {
      epoch: Number(metadata.epoch),
      best: null,
      badEpochs: 0,
      history: [],
    },
  };
}

function parseMeta(path: string, metadata: Record<string, string>, key: string, fallback: string, dispose: () => void): unknown {
  try {
    return JSON.parse(metadata[key] ?? fallback);
  } catch (error) {
    dispose();
    throw new CheckpointError(`Cannot read checkpoint ${path}: its ${key} metadata is not JSON (${(error as Error).message})`, { exitCode: 2 });
  }
}

/**
 * Frees every tensor a loaded checkpoint holds (model, RNG and optimizer state tensors).
 *
 * @param checkpoint a checkpoint from {@link loadCheckpoint}; do not use its tensors afterwards
 */
export function disposeCheckpoint(checkpoint: Checkpoint): void {
  for (const t of checkpoint.model.values()) t.dispose();
  for (const t of checkpoint.rng.values()) t.dispose();
  for (const entry of Object.values(checkpoint.optimizer?.state ?? {})) for (const v of Object.values(entry)) if (v instanceof Tensor) v.dispose();
}
