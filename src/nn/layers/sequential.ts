import { Module } from '../module.js';
import { Tensor } from '../../torch/tensor.js';
import { tidy } from '../../torch/scope.js';

/** torch.nn.Sequential: children named "0", "1", ...; forward chains them, freeing intermediates. */
export class Sequential extends Module {
  private readonly layers: Module[];

  constructor(...layers: Module[]) {
    super();
    this.layers = layers;
    layers.forEach((layer, i) => this.registerModule(String(i), layer));
  }

  /** The i-th layer. */
  at(index: number): Module {
    const layer = this.layers[index < 0 ? this.layers.length + index : index];
    if (!layer) throw new RangeError(`Sequential has ${this.layers.length} layers; no index ${index}`);
    return layer;
  }

  get length(): number {
    return this.layers.length;
  }

  forward(x: Tensor): Tensor {
    return tidy(() => {
      let out = x;
      for (const layer of this.layers) out = layer.forward(out);
      return out;
    });
  }
}

/** torch.nn.ModuleList: an indexed holder of modules (no forward of its own). */
export class ModuleList extends Module {
  private readonly items: Module[] = [];

  constructor(modules: Module[] = []) {
    super();
    for (const m of modules) this.append(m);
  }
  append(module: Module): this {
    this.registerModule(String(this.items.length), module);
    this.items.push(module);
    return this;
  }
  at(index: number): Module {
    const m = this.items[index];
    if (!m) throw new RangeError(`ModuleList has ${this.items.length} modules; no index ${index}`);
    return m;
  }
  get length(): number {
    return this.items.length;
  }
  [Symbol.iterator](): Iterator<Module> {
    return this.items[Symbol.iterator]();
  }
  forward(): Tensor {
    throw new Error('ModuleList has no forward; call its modules');
  }
}
