import type { Tensor, MemoryFormat } from '../torch/tensor.js';
import { DTYPE_CODE, isFloatingPoint, type DType } from '../torch/dtype.js';
import { noGrad } from '../torch/autograd.js';
import { keep } from '../torch/scope.js';

/** A state dict: PyTorch key names (`features.0.weight`) to tensors. */
export type StateDict = Map<string, Tensor>;

/** Raised by {@link Module.loadStateDict}; lists every problem at once, in PyTorch's words. */
export class StateDictError extends Error {
  /**
   * Builds the message `Error(s) in loading state_dict for <module>:` followed by one line per problem, as PyTorch.
   *
   * @param moduleName the class name of the module being loaded
   * @param missing keys the module has but the state dict lacks
   * @param unexpected keys the state dict has but the module lacks
   * @param mismatched one `size mismatch for <key>: ...` line per shape mismatch
   */
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

  /**
   * The module's computation.
   *
   * @param input the input tensor; each layer documents its shape (e.g. `[N, C, H, W]` for images)
   * @returns the output tensor
   * @throws Error from libtorch naming the op and argument shapes when the input does not fit the layer.
   */
  abstract forward(input: Tensor): Tensor;

  /** Class name used in error messages and summaries. */
  get typeName(): string {
    return this.constructor.name;
  }

  /**
   * Registers a parameter (made a tracked leaf and exempt from scopes); null keeps the slot.
   *
   * Source: PyTorch `torch.nn.Module.register_parameter`.
   *
   * @param name the key within this module (`weight`, `bias`), as PyTorch names it
   * @param value the tensor (made `requiresGrad` and kept), or null for an absent optional parameter
   * @returns `value` (typed as Tensor even when null, for field initialisers)
   * @throws Error from libtorch when `value` is not floating point (it cannot require grad).
   */
  registerParameter(name: string, value: Tensor | null): Tensor {
    if (value) {
      keep(value);
      if (!value.requiresGrad) value.requiresGrad_(true);
    }
    this.params.set(name, value);
    return value as Tensor;
  }

  /**
   * Registers a buffer (running statistics etc.); persistent buffers go into the state dict.
   *
   * Source: PyTorch `torch.nn.Module.register_buffer`.
   *
   * @param name the key within this module (`running_mean`)
   * @param value the tensor (kept out of scopes), or null
   * @param persistent include it in {@link stateDict} (default true)
   * @returns `value`
   */
  registerBuffer(name: string, value: Tensor | null, persistent = true): Tensor {
    if (value) keep(value);
    this.bufs.set(name, value);
    if (!persistent) this.nonPersistent.add(name);
    return value as Tensor;
  }

  /**
   * Registers a child module under `name` and returns it.
   *
   * Source: PyTorch `torch.nn.Module.add_module`.
   *
   * @param name the key within this module (`features`, `0`); dotted state-dict keys are built from it
   * @param module the child
   * @returns `module`
   */
  registerModule<M extends Module>(name: string, module: M): M {
    this.mods.set(name, module);
    return module;
  }

  /**
   * Direct parameter by name (null when registered empty, undefined when unknown).
   *
   * @param name the key as registered
   * @returns the tensor, null, or undefined
   */
  getParameter(name: string): Tensor | null | undefined {
    return this.params.get(name);
  }
  /**
   * Direct buffer by name.
   *
   * @param name the key as registered
   * @returns the tensor, null when registered empty, or undefined when unknown
   */
  getBuffer(name: string): Tensor | null | undefined {
    return this.bufs.get(name);
  }
  /**
   * Direct child by name.
   *
   * @param name the key as registered
   * @returns the child, or undefined when unknown
   */
  getModule(name: string): Module | undefined {
    return this.mods.get(name);
  }

  /**
   * Children with their names, in registration order.
   *
   * Source: PyTorch `torch.nn.Module.named_children`.
   *
   * @returns `[name, module]` pairs of the direct children
   */
  namedChildren(): [string, Module][] {
    return [...this.mods.entries()];
  }
  /**
   * The direct children, in registration order.
   *
   * Source: PyTorch `torch.nn.Module.children`.
   *
   * @returns the child modules
   */
  children(): Module[] {
    return [...this.mods.values()];
  }
  /**
   * This module and every descendant with dotted names ('' for this one).
   *
   * Source: PyTorch `torch.nn.Module.named_modules`.
   *
   * @param prefix prepended to every name (default '')
   * @returns `[name, module]` pairs, depth first, parents before children
   */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.mods) out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name));
    return out;
  }
  /**
   * The descendant at a dotted path, e.g. `features.35`; throws listing the choices when absent.
   *
   * Source: PyTorch `torch.nn.Module.get_submodule`.
   *
   * @param path dotted child names; '' is this module
   * @returns the module at `path`
   * @throws Error `<Type> has no submodule "<path>" (no "<part>" among: <children>)` when a part is missing.
   */
  submodule(path: string): Module {
    let current: Module = this;
    for (const part of path.split('.').filter(Boolean)) {
      const next = current.mods.get(part);
      if (!next) throw new Error(`${this.typeName} has no submodule "${path}" (no "${part}" among: ${[...current.mods.keys()].join(', ')})`);
      current = next;
    }
    return current;
  }

  /**
   * Every parameter with its dotted name, parents first, like `named_parameters()`.
   *
   * Source: PyTorch `torch.nn.Module.named_parameters`.
   *
   * @param prefix prepended to every name (default '')
   * @returns `[name, tensor]` pairs (empty slots skipped); the tensors are the module's own
   */
  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, module] of this.namedModules(prefix)) {
      for (const [p, t] of module.params) if (t) out.push([name ? `${name}.${p}` : p, t]);
    }
    return out;
  }
  /**
   * Every parameter, in {@link namedParameters} order (what optimizers take).
   *
   * Source: PyTorch `torch.nn.Module.parameters`.
   *
   * @returns the module's own parameter tensors
   */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }
  /**
   * Every buffer with its dotted name.
   *
   * Source: PyTorch `torch.nn.Module.named_buffers`.
   *
   * @param prefix prepended to every name (default '')
   * @returns `[name, tensor]` pairs, persistent or not
   */
  namedBuffers(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, module] of this.namedModules(prefix)) {
      for (const [b, t] of module.bufs) if (t) out.push([name ? `${name}.${b}` : b, t]);
    }
    return out;
  }
  /**
   * Total number of parameter elements.
   *
   * @returns the sum of `numel` over {@link parameters} (what torchvision's metadata calls `num_params`)
   */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.numel, 0);
  }

  /**
   * Sets train mode on this module and every descendant.
   *
   * Source: PyTorch `torch.nn.Module.train`.
   *
   * @param mode true (default) for training, false for evaluation
   * @returns this module
   */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }
  /**
   * Sets eval mode (dropout off, batch norm uses running statistics).
   *
   * Source: PyTorch `torch.nn.Module.eval`.
   *
   * @returns this module
   */
  eval(): this {
    return this.train(false);
  }

  /**
   * Parameters and persistent buffers by PyTorch key. The tensors are the module's own (no copy):
   * do not dispose them; clone to snapshot.
   *
   * Source: PyTorch `torch.nn.Module.state_dict`.
   *
   * @returns a Map from dotted key (`features.0.weight`) to tensor, in registration order
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
   *
   * Source: PyTorch `torch.nn.Module.load_state_dict`.
   *
   * @param state tensors by PyTorch key (a Map or a plain object), e.g. from `loadSafetensors`
   * @param options `strict` (default true): missing and unexpected keys are errors
   * @returns the keys that were missing and unexpected (both empty when strict succeeded)
   * @throws StateDictError `Error(s) in loading state_dict for <Type>: ...` listing missing and unexpected keys (strict) and every
   * `size mismatch for <key>: copying a param with shape [...] from checkpoint, the shape in current model is [...]`.
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
        mismatched.push(
          `size mismatch for ${key}: copying a param with shape [${a.join(', ')}] from checkpoint, the shape in current model is [${b.join(', ')}].`,
        );
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

  /**
   * Moves (or converts) every parameter and buffer in place, keeping the same Tensor objects.
   * Converting to a float dtype leaves integer buffers (num_batches_tracked) alone.
   *
   * Source: PyTorch `torch.nn.Module.to`.
   *
   * @param target a dtype (`float64`, `bfloat16`, ...) or a device (`cpu`, `cuda:0`)
   * @returns this module
   * @throws Error `aten::to.device(...) failed: ...` for an unknown or unavailable device.
   */
  to(target: string): this {
    // Integer counters (num_batches_tracked) keep their dtype when converting to a float type.
    const toFloat = target in DTYPE_CODE && isFloatingPoint(target as DType);
    return this.convertInPlace((t) => (toFloat && !isFloatingPoint(t.dtype) ? t : t.to(target)));
  }

  /**
   * Puts every 4-D parameter and buffer (5-D for `channelsLast3d`) in a memory format, in place,
   * like PyTorch's `model.to(memory_format=torch.channels_last)`: with channels-last weights and
   * inputs, oneDNN runs its faster NHWC (NDHWC) convolutions on CPU.
   *
   * Source: PyTorch channels-last tutorial (https://pytorch.org/tutorials/intermediate/memory_format_tutorial.html).
   *
   * @param format `channelsLast`, `channelsLast3d`, `contiguous` or `preserve`
   * @returns this module
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

  /**
   * Clears every parameter's gradient (sets it to null, as `zero_grad(set_to_none=True)`).
   *
   * Source: PyTorch `torch.nn.Module.zero_grad`.
   */
  zeroGrad(): void {
    for (const p of this.parameters()) p.setGrad(null);
  }

  /**
   * Frees every parameter and buffer of this module and its descendants; the module cannot be used afterwards.
   */
  dispose(): void {
    for (const p of this.parameters()) p.dispose();
    for (const [, b] of this.namedBuffers()) b.dispose();
  }
}
