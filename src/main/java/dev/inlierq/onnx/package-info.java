/**
 * ONNX files in and out: {@link dev.inlierq.onnx.OnnxReader} reads a model into the graph IR (refusing
 * unsupported operators and opsets with one line), {@link dev.inlierq.onnx.OnnxWriter} writes the IR back (with
 * a chosen batch baked in), and {@link dev.inlierq.onnx.QdqWriter} writes a quantized model as
 * QuantizeLinear/DequantizeLinear pairs that ONNX Runtime fuses into integer kernels, raising the opset with a
 * rewrite that keeps the meaning ({@code OpsetUpgrader}) and packing 4-bit weights when asked
 * ({@link dev.inlierq.onnx.Int4Packing}). Output is deterministic: the same inputs give the same bytes.
 */
package dev.inlierq.onnx;
