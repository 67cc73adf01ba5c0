/**
 * The model runners behind {@link dev.inlierq.tensor.ModelRunner}: ONNX Runtime, the deployment runtime
 * ({@link dev.inlierq.runtime.OrtRunner}, with its process environment {@link dev.inlierq.runtime.OrtNative},
 * the fused-kernel report {@link dev.inlierq.runtime.OrtFusion}, the profiler trace reader
 * {@link dev.inlierq.runtime.OrtProfile} and intermediate-tensor taps {@link dev.inlierq.runtime.OrtTaps}),
 * and the differentiable engine run as a plain runner ({@link dev.inlierq.runtime.DjlRunner}), both reading
 * an ONNX file.
 */
package dev.inlierq.runtime;
