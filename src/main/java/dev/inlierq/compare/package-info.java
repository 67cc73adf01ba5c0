/**
 * Per-tensor comparison of a quantized (QDQ) model with its float model under ONNX Runtime, the deployment
 * runtime: {@link dev.inlierq.compare.Comparison} runs both on the same images, {@link dev.inlierq.compare.TensorMatch}
 * pairs their tensors by name, and {@link dev.inlierq.compare.TensorError} holds each tensor's SQNR, largest and
 * relative mean error and cosine similarity, pooled over the images.
 */
package dev.inlierq.compare;
