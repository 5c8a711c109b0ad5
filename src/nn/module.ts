import { Tensor, type MemoryFormat } from '../torch/tensor.js';
import { DTYPE_CODE, isFloatingPoint, type DType } from '../torch/dtype.js';
import { noGrad } from '../torch/autograd.js';
import { keep } from '../torch/scope.js';

/** A state dict: PyTorch key names (`features.0.weight`) to tensors. */
export type StateDict = Map<string, Tensor>;

/** Raised by {@link Module.loadStateDict}; lists every problem at once, in PyTorch's words. */
export class StateDictError extends Error {
  constructor(
    readonly moduleName: string,
    readonly missing: string[],
    readonly unexpected: string[],
    readonly mismatched: string[],
  ) {
    const lines: string[] = [];
    if (missing.length) lines.push(`Missing key(s) in state_dict: ${missing.map((k) => `"${k}"`).join(', ')}.`);
    if (unexpected.length) lines.push(`Unexpected key(s) in state_dict: ${unexpected.map((k) => `"${k}"`).join(', ')}.`);
    lines.push(...mismatched);
    super(`Error(s) in loading state_dict for ${moduleName}:\n\t${lines.join('\n\t')}`);
    this.name = 'StateDictError';
  }
}

/**
 * Base class of every layer and model, as torch.nn.Module: named parameters, buffers and child
 * modules (registered in order, so names and state-dict keys equal PyTorch's), train/eval mode,
 * state dicts, device moves.
 *
 * Subclasses register what they own in the constructor and implement `forward`:
 * @example
 * class Net extends Module {
 *   fc = this.registerModule('fc', new Linear(4, 2));
 *   forward(x: Tensor) { return this.fc.forward(x); }
 * }
 */
export abstract class Module {
  /** Train mode (dropout active, batch norm uses batch statistics) vs eval mode. */
  training = true;
  private readonly params = new Map<string, Tensor | null>();
  private readonly bufs = new Map<string, Tensor | null>();
  private readonly nonPersistent = new Set<string>();
  private readonly mods = new Map<string, Module>();

  /** The module's computation. */
  abstract forward(input: Tensor): Tensor;

  /** Class name used in error messages and summaries. */
  get typeName(): string {
    return this.constructor.name;
  }

  /** Registers a parameter (made a tracked leaf and exempt from scopes); null keeps the slot. */
  registerParameter(name: string, value: Tensor | null): Tensor {
    if (value) {
      keep(value);
      if (!value.requiresGrad) value.requiresGrad_(true);
    }
    this.params.set(name, value);
    return value as Tensor;
  }

  /** Registers a buffer (running statistics etc.); persistent buffers go into the state dict. */
  registerBuffer(name: string, value: Tensor | null, persistent = true): Tensor {
    if (value) keep(value);
    this.bufs.set(name, value);
    if (!persistent) this.nonPersistent.add(name);
    return value as Tensor;
  }

  /** Registers a child module under `name` and returns it. */
  registerModule<M extends Module>(name: string, module: M): M {
    this.mods.set(name, module);
    return module;
  }

  /** Direct parameter by name (null when registered empty, undefined when unknown). */
  getParameter(name: string): Tensor | null | undefined {
    return this.params.get(name);
  }
  /** Direct buffer by name. */
  getBuffer(name: string): Tensor | null | undefined {
    return this.bufs.get(name);
  }
  /** Direct child by name. */
  getModule(name: string): Module | undefined {
    return this.mods.get(name);
  }

  /** Children with their names, in registration order. */
  namedChildren(): [string, Module][] {
    return [...this.mods.entries()];
  }
  children(): Module[] {
    return [...this.mods.values()];
  }
  /** This module and every descendant with dotted names ('' for this one). */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.mods) out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name));
    return out;
  }
  /** The descendant at a dotted path, e.g. `features.35`; throws listing the choices when absent. */
  submodule(path: string): Module {
    let current: Module = this;
    for (const part of path.split('.').filter(Boolean)) {
      const next = current.mods.get(part);
      if (!next) throw new Error(`${this.typeName} has no submodule "${path}" (no "${part}" among: ${[...current.mods.keys()].join(', ')})`);
      current = next;
    }
    return current;
  }

  /** Every parameter with its dotted name, parents first, like `named_parameters()`. */
  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, module] of this.namedModules(prefix)) {
      for (const [p, t] of module.params) if (t) out.push([name ? `${name}.${p}` : p, t]);
    }
    return out;
  }
  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }
  /** Every buffer with its dotted name. */
  namedBuffers(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, module] of this.namedModules(prefix)) {
      for (const [b, t] of module.bufs) if (t) out.push([name ? `${name}.${b}` : b, t]);
    }
    return out;
  }
  /** Total number of parameter elements. */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.numel, 0);
  }

  /** Sets train mode on this module and every descendant. */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }
  /** Sets eval mode (dropout off, batch norm uses running statistics). */
  eval(): this {
    return this.train(false);
  }

  /**
   * Parameters and persistent buffers by PyTorch key. The tensors are the module's own (no copy):
   * do not dispose them; clone to snapshot.
   */
  stateDict(): StateDict {
    const out: StateDict = new Map();
    for (const [name, module] of this.namedModules()) {
      const pre = name ? `${name}.` : '';
      for (const [p, t] of module.params) if (t) out.set(pre + p, t);
      for (const [b, t] of module.bufs) if (t && !module.nonPersistent.has(b)) out.set(pre + b, t);
    }
    return out;
  }

  /**
   * Copies tensors into this module's parameters and buffers (converting dtype/device). With
   * `strict` (default), missing or unexpected keys are errors; shape mismatches always are. All
   * problems are reported together in one {@link StateDictError}; nothing is copied then.
   */
  loadStateDict(state: StateDict | Record<string, Tensor>, options: { strict?: boolean } = {}): { missing: string[]; unexpected: string[] } {
    const strict = options.strict ?? true;
    const incoming = state instanceof Map ? state : new Map(Object.entries(state));
    const own = this.stateDict();
    const missing = [...own.keys()].filter((k) => !incoming.has(k));
    const unexpected = [...incoming.keys()].filter((k) => !own.has(k));
    const mismatched: string[] = [];
    for (const [key, target] of own) {
      const source = incoming.get(key);
      if (!source) continue;
      const a = source.shape;
      const b = target.shape;
      if (a.length !== b.length || a.some((d, i) => d !== b[i])) {
        mismatched.push(`size mismatch for ${key}: copying a param with shape [${a.join(', ')}] from checkpoint, the shape in current model is [${b.join(', ')}].`);
      }
    }
    if (mismatched.length || (strict && (missing.length || unexpected.length))) {
      throw new StateDictError(this.typeName, strict ? missing : [], strict ? unexpected : [], mismatched);
    }
    noGrad(() => {
      for (const [key, target] of own) {
        const source = incoming.get(key);
        if (source) target.copy_(source);
      }
    });
    return { missing, unexpected };
  }

  /** Moves (or converts) every parameter and buffer in place, keeping the same Tensor objects. */
  to(target: string): this {
    // Integer counters (num_batches_tracked) keep their dtype when converting to a float type.
    const toFloat = target in DTYPE_CODE && isFloatingPoint(target as DType);
    return this.convertInPlace((t) => (toFloat && !isFloatingPoint(t.dtype) ? t : t.to(target)));
  }

  /**
   * Puts every 4-D parameter and buffer (5-D for `channelsLast3d`) in a memory format, in place,
   * like PyTorch's `model.to(memory_format=torch.channels_last)`: with channels-last weights and
   * inputs, oneDNN runs its faster NHWC (NDHWC) convolutions on CPU.
   */
  toMemoryFormat(format: MemoryFormat): this {
    // channels-last formats exist for one rank each; contiguous applies to both.
    const ranks = format === 'channelsLast' ? [4] : format === 'channelsLast3d' ? [5] : [4, 5];
    return this.convertInPlace((t) => (ranks.includes(t.ndim) ? t.toMemoryFormat(format) : t));
  }

  /**
   * Replaces the data of every parameter and buffer with `convert(t)` where that is a new tensor,
   * keeping the same Tensor objects (so optimizers and references stay valid).
   */
  private convertInPlace(convert: (t: Tensor) => Tensor): this {
    noGrad(() => {
      for (const t of [...this.parameters(), ...this.namedBuffers().map(([, b]) => b)]) {
        const converted = convert(t);
        if (converted !== t) {
          t.setData(converted);
          converted.dispose();
        }
      }
    });
    return this;
  }

  /** Clears every parameter's gradient (sets it to null, as `zero_grad(set_to_none=True)`). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.setGrad(null);
  }

  /** Frees every parameter and buffer of this module and its descendants. */
  dispose(): void {
    for (const p of this.parameters()) p.dispose();
    for (const [, b] of this.namedBuffers()) b.dispose();
  }
}
