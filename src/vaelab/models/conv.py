"""A transposed convolution with a faster training step on the CPU; same parameters, same function.

Two of PyTorch's CPU (oneDNN) paths are slow for the conv VAE's decoder, measured on 2 cores
at batch 1024 (docs/performance.md#conv-vae-transposed-convolutions):

- the bias gradient of a transposed convolution: convolution_backward takes 11.8 ms for it in
  the 64->32 layer, where summing the output gradient over (batch, height, width) takes 0.9 ms;
- the forward pass of the last layer, 32 channels -> 1: 8.8 ms (about 13 GFLOP/s). Written as
  what a transposed convolution is, one matrix product (each input pixel times the kernel)
  followed by col2im (`F.fold`, which adds the overlapping patches), it takes 3.5 ms.

So `conv_transpose2d` computes the forward pass with one of the two, and the backward pass with
oneDNN's data and weight gradients plus the bias gradient as that sum. It is used on the CPU
outside autocast; elsewhere (CUDA, bfloat16 autocast) it is plain `F.conv_transpose2d`.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

# col2im pays off where oneDNN's kernel is slowest: few output channels (measured for 1; for
# the 64->32 layer fold is ~8x slower than oneDNN, as it scatters 288 values per input pixel)
COL2IM_MAX_OUT_CHANNELS = 1


def _col2im_forward(x, weight, stride: int, padding: int, out_size: tuple[int, int]):
    """conv_transpose2d(x, weight) as x's pixels times the kernel, patches summed by F.fold."""
    n, c_in, h, w = x.shape
    k = weight.shape[-1]
    # (n*h*w, c_in): a view for channels-last x, a copy otherwise
    pixels = x.permute(0, 2, 3, 1).reshape(n * h * w, c_in)
    patches = pixels.mm(weight.reshape(c_in, -1))  # (n*h*w, c_out*k*k)
    patches = patches.view(n, h * w, -1).transpose(1, 2)  # F.fold wants (n, c_out*k*k, h*w)
    return F.fold(patches, out_size, k, padding=padding, stride=stride)


class _ConvTranspose2d(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight, bias, stride: int, padding: int, output_padding: int):
        ctx.save_for_backward(x, weight)
        ctx.conf = (stride, padding, output_padding)
        if weight.shape[1] <= COL2IM_MAX_OUT_CHANNELS:
            size = tuple((s - 1) * stride - 2 * padding + weight.shape[-1] + output_padding for s in x.shape[2:])
            out = _col2im_forward(x, weight, stride, padding, size)
            return out if bias is None else out + bias.view(1, -1, 1, 1)
        return F.conv_transpose2d(x, weight, bias, stride, padding, output_padding)

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        stride, padding, output_padding = ctx.conf
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        grad_x, grad_w, _ = torch.ops.aten.convolution_backward(
            grad,
            x,
            weight,
            None,
            (stride, stride),
            (padding, padding),
            (1, 1),
            True,
            (output_padding, output_padding),
            1,
            [need_x, need_w, False],
        )
        grad_b = grad.sum((0, 2, 3)) if need_b else None
        return grad_x, grad_w, grad_b, None, None, None


def conv_transpose2d(x, weight, bias, stride: int, padding: int, output_padding: int):
    """F.conv_transpose2d for square kernels, square strides and paddings, groups 1, dilation 1."""
    if x.device.type != "cpu" or torch.is_autocast_enabled(x.device.type):
        return F.conv_transpose2d(x, weight, bias, stride, padding, output_padding)
    return _ConvTranspose2d.apply(x, weight, bias, stride, padding, output_padding)


class ConvTranspose2d(nn.ConvTranspose2d):
    """nn.ConvTranspose2d (same parameters and state dict) whose forward is `conv_transpose2d`."""

    # no groups, dilation or padding mode: conv_transpose2d does not take them
    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int,
        stride: int = 1,
        padding: int = 0,
        output_padding: int = 0,
    ):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, output_padding)

    def forward(self, x):
        return conv_transpose2d(x, self.weight, self.bias, self.stride[0], self.padding[0], self.output_padding[0])
