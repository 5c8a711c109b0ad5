import { Module } from '../module.js';
import type { Tensor } from '../../torch/tensor.js';
import { tidy } from '../../torch/scope.js';
import { runLayers } from '../fused.js';

/** torch.nn.Sequential: children named "0", "1", ...; forward chains them, freeing intermediates. */
export class Sequential extends Module {
  private readonly layers: Module[];

  /**
   * Source: PyTorch `torch.nn.Sequential`.
   *
   * @param layers the layers in order, registered as children "0", "1", ... (PyTorch's state-dict keys)
   */
  constructor(...layers: Module[]) {
    super();
    this.layers = layers;
    layers.forEach((layer, i) => this.registerModule(String(i), layer));
  }

  /**
   * The i-th layer.
   *
   * @param index position; negative counts from the end
   * @returns the layer
   * @throws RangeError `Sequential has <n> layers; no index <i>` when out of range.
   */
  at(index: number): Module {
    const layer = this.layers[index < 0 ? this.layers.length + index : index];
    if (!layer) throw new RangeError(`Sequential has ${this.layers.length} layers; no index ${index}`);
    return layer;
  }

  get length(): number {
    return this.layers.length;
  }

  /**
   * Runs the layers in order, freeing the intermediate outputs. Batch norm → ReLU (→ 2x2 max pool)
   * and batch norm → SiLU run as one fused kernel on float32 CPU inputs, and ReLU → max pool as
   * pool → ReLU, with the same values and gradients (`src/nn/fused.ts`; `setFusedKernels(false)`
   * turns the kernel off).
   *
   * @param x the first layer's input
   * @returns the last layer's output (`x` itself when there are no layers)
   * @throws whatever a layer throws (e.g. Error from libtorch naming the op and shapes).
   */
  forward(x: Tensor): Tensor {
    return tidy(() => runLayers(this.layers, x));
  }
}

/** torch.nn.ModuleList: an indexed holder of modules (no forward of its own). */
export class ModuleList extends Module {
  private readonly items: Module[] = [];

  /**
   * Source: PyTorch `torch.nn.ModuleList`.
   *
   * @param modules initial modules, registered as "0", "1", ... (default none)
   */
  constructor(modules: Module[] = []) {
    super();
    for (const m of modules) this.append(m);
  }
  /**
   * Registers `module` under the next index.
   *
   * @param module the module to add
   * @returns this list
   */
  append(module: Module): this {
    this.registerModule(String(this.items.length), module);
    this.items.push(module);
    return this;
  }
  /**
   * The i-th module.
   *
   * @param index position, 0-based (negative indices are not accepted)
   * @returns the module
   * @throws RangeError `ModuleList has <n> modules; no index <i>` when out of range.
   */
  at(index: number): Module {
    const m = this.items[index];
    if (!m) throw new RangeError(`ModuleList has ${this.items.length} modules; no index ${index}`);
    return m;
  }
  get length(): number {
    return this.items.length;
  }
  /**
   * Iterates the modules in order.
   *
   * @returns an iterator over the modules
   */
  [Symbol.iterator](): Iterator<Module> {
    return this.items[Symbol.iterator]();
  }
  /**
   * A ModuleList has no forward: call its modules.
   *
   * @returns never
   * @throws Error `ModuleList has no forward; call its modules` always.
   */
  forward(): Tensor {
    throw new Error('ModuleList has no forward; call its modules');
  }
}
