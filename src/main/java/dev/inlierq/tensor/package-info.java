/**
 * The engine-neutral exchange types: {@link dev.inlierq.tensor.FloatTensor}, a dense row-major float32 tensor on
 * the Java heap passed between pre-processing, the engines and the decoders, and
 * {@link dev.inlierq.tensor.ModelRunner}, what runs a detector's graph on a batch (ONNX Runtime or the DJL
 * engine).
 */
package dev.inlierq.tensor;
