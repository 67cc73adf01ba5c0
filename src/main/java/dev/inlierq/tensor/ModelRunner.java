package dev.inlierq.tensor;

import java.util.List;
import java.util.Map;

/**
 * Something that runs a detector's graph on a batch: ONNX Runtime (the deployment runtime) or the DJL
 * engine (differentiable). Owns native resources: use in try-with-resources.
 */
public interface ModelRunner extends AutoCloseable {
    /** Runs one batch [N, C, H, W]; returns every graph output in the model's order. */
    Map<String, FloatTensor> run(FloatTensor input);

    /**
     * Returns {@code outputs} if every value is finite; otherwise throws {@link dev.inlierq.error.InvalidModelException}
     * (exit 4) naming the output and the engine: a finite input gave NaN or infinity, so the model is broken.
     */
    static Map<String, FloatTensor> requireFinite(Map<String, FloatTensor> outputs, String engine) {
        for (var e : outputs.entrySet()) {
            e.getValue().requireFinite("model output '" + e.getKey() + "' (engine " + engine + ")");
        }
        return outputs;
    }

    /** The static input shape declared by the model (batch dimension 1). */
    long[] inputShape();

    /** Short engine name for reports: "ort" or "djl". */
    String engineName();

    /** Output names in model order. */
    List<String> outputNames();

    /** Starts per-operator timing if the engine supports it (the DJL engine; ONNX Runtime opened with its profiler). */
    default void startProfiling() {
    }

    /** Per operator type: {calls, nanoseconds} since {@link #startProfiling()}; empty if unsupported. */
    default Map<String, long[]> profile() {
        return Map.of();
    }

    @Override
    void close();
}
