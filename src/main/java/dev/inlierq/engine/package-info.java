/**
 * The differentiable execution engine: the graph IR run on DJL's PyTorch (libtorch) engine.
 * {@link dev.inlierq.engine.GraphExecutor} compiles every node once into a kernel (the op-family classes
 * registered by {@code Kernels}) and runs the graph with a {@link dev.inlierq.engine.ValueHook} on every value;
 * on top of it sit float and simulated quantized inference ({@link dev.inlierq.engine.DjlRunner},
 * {@link dev.inlierq.engine.SimulatedRunner}), differentiable fake quantization
 * ({@link dev.inlierq.engine.FakeQuant}), gradients with respect to intermediate values
 * ({@link dev.inlierq.engine.GradientProbe}) and InlierQ's label-free heatmap loss
 * ({@link dev.inlierq.engine.HeatmapBuilder}, {@link dev.inlierq.engine.TopKHeatmapLoss}). Arithmetic between an
 * array and a number goes through {@link dev.inlierq.engine.Scalars}, never DJL's {@code Number} overloads.
 */
package dev.inlierq.engine;
