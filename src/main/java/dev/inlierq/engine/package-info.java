/**
 * The differentiable execution engine: the graph IR run on DJL's PyTorch (libtorch) engine.
 * {@link dev.inlierq.engine.GraphExecutor} compiles every node once into a kernel (the op-family classes
 * registered by {@code Kernels}) and runs the graph with a {@link dev.inlierq.engine.ValueHook} on every value;
 * on top of it sit simulated quantized inference ({@link dev.inlierq.engine.SimulatedRunner}), differentiable
 * fake quantization ({@link dev.inlierq.engine.FakeQuant}) and gradients with respect to intermediate values
 * ({@link dev.inlierq.engine.GradientProbe}). Arithmetic between an array and a number goes through
 * {@link dev.inlierq.engine.Scalars}, never DJL's {@code Number} overloads. The engine reads no ONNX file
 * (the file-backed runner is {@code dev.inlierq.runtime.DjlRunner}) and knows no detection loss (those are in
 * {@code dev.inlierq.loss}).
 */
package dev.inlierq.engine;
