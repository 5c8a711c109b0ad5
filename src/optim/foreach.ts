/**
 * Multi-tensor (`_foreach_*`) ATen ops, as torch.optim's `foreach=True` implementations call them:
 * one op call updates every tensor of a list, so a step over a model's parameters costs a handful
 * of calls from JS instead of several per parameter. Results equal the per-tensor ops bit for bit
 * (libtorch's CPU kernels loop over the same per-tensor ops; CUDA ones fuse them).
 * Schemas checked against libtorch 1.13 and 2.x (`aten::_foreach_add_.List` etc.).
 */
import { callOp } from '../torch/tensor.js';
import type { Tensor } from '../torch/tensor.js';

/**
 * self[i] += alpha * other[i] (in place). Source: `aten::_foreach_add_.List`.
 *
 * @param self tensors updated in place
 * @param other tensors of the same count, each broadcastable to its `self[i]`
 * @param alpha multiplier of `other`; default 1
 */
export function foreachAddList_(self: Tensor[], other: Tensor[], alpha = 1): void {
  callOp('aten::_foreach_add_.List', [self, other], { alpha });
}
/**
 * self[i] + alpha * other[i] (new tensors). Source: `aten::_foreach_add.List`.
 *
 * @param self the first operands
 * @param other tensors of the same count, each broadcastable to its `self[i]`
 * @param alpha multiplier of `other`; default 1
 * @returns one new tensor per `self[i]`, same shapes
 */
export function foreachAddList(self: Tensor[], other: Tensor[], alpha = 1): Tensor[] {
  return callOp('aten::_foreach_add.List', [self, other], { alpha }) as Tensor[];
}
/**
 * self[i] += scalar (in place). Source: `aten::_foreach_add_.Scalar`.
 *
 * @param self tensors updated in place
 * @param scalar the number added to every element
 */
export function foreachAddScalar_(self: Tensor[], scalar: number): void {
  callOp('aten::_foreach_add_.Scalar', [self, scalar]);
}
/**
 * self[i] *= scalar (in place). Source: `aten::_foreach_mul_.Scalar`.
 *
 * @param self tensors updated in place
 * @param scalar the factor every element is multiplied by
 */
export function foreachMulScalar_(self: Tensor[], scalar: number): void {
  callOp('aten::_foreach_mul_.Scalar', [self, scalar]);
}
/**
 * self[i] /= scalar (in place). Source: `aten::_foreach_div_.Scalar`.
 *
 * @param self tensors updated in place
 * @param scalar the divisor of every element
 */
export function foreachDivScalar_(self: Tensor[], scalar: number): void {
  callOp('aten::_foreach_div_.Scalar', [self, scalar]);
}
/**
 * self[i] += value * a[i] * b[i] (in place). Source: `aten::_foreach_addcmul_.Scalar`.
 *
 * @param self tensors updated in place
 * @param a first factors, one per `self[i]` (broadcastable to it)
 * @param b second factors, one per `self[i]` (broadcastable to it)
 * @param value multiplier of the product
 */
export function foreachAddcmul_(self: Tensor[], a: Tensor[], b: Tensor[], value: number): void {
  callOp('aten::_foreach_addcmul_.Scalar', [self, a, b, value]);
}
/**
 * self[i] += value * a[i] / b[i] (in place). Source: `aten::_foreach_addcdiv_.Scalar`.
 *
 * @param self tensors updated in place
 * @param a numerators, one per `self[i]` (broadcastable to it)
 * @param b denominators, one per `self[i]` (broadcastable to it)
 * @param value multiplier of the quotient
 */
export function foreachAddcdiv_(self: Tensor[], a: Tensor[], b: Tensor[], value: number): void {
  callOp('aten::_foreach_addcdiv_.Scalar', [self, a, b, value]);
}
/**
 * sqrt(self[i]) (new tensors). Source: `aten::_foreach_sqrt`.
 *
 * @param self the inputs (negative elements give NaN)
 * @returns one new tensor per input, same shapes
 */
export function foreachSqrt(self: Tensor[]): Tensor[] {
  return callOp('aten::_foreach_sqrt', [self]) as Tensor[];
}
/**
 * -self[i] (new tensors). Source: `aten::_foreach_neg`.
 *
 * @param self the inputs
 * @returns one new tensor per input, same shapes
 */
export function foreachNeg(self: Tensor[]): Tensor[] {
  return callOp('aten::_foreach_neg', [self]) as Tensor[];
}
/**
 * out[i] = max(self[i], other[i]) elementwise; `out` may be `self`. Source: `aten::_foreach_maximum.List_out`.
 *
 * @param self the first operands
 * @param other the second operands, one per `self[i]`
 * @param out tensors written in place, one per `self[i]` with its shape
 */
export function foreachMaximumOut(self: Tensor[], other: Tensor[], out: Tensor[]): void {
  callOp('aten::_foreach_maximum.List_out', [self, other], { out });
}
