import { Module } from '../module.js';
import { Tensor } from '../../torch/tensor.js';
import { hardswish, relu, relu6, sigmoid, silu, gelu } from '../functional.js';

/** Identity: returns its input (a placeholder that keeps state-dict indices stable). */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}
export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}
export class ReLU6 extends Module {
  forward(x: Tensor): Tensor {
    return relu6(x);
  }
}
/** SiLU (swish): x * sigmoid(x). */
export class SiLU extends Module {
  forward(x: Tensor): Tensor {
    return silu(x);
  }
}
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}
export class Hardswish extends Module {
  forward(x: Tensor): Tensor {
    return hardswish(x);
  }
}
export class GELU extends Module {
  forward(x: Tensor): Tensor {
    return gelu(x);
  }
}
