package dev.inlierq.api;

import dev.inlierq.engine.DjlRuntime;
import dev.inlierq.runtime.DjlRunner;
import dev.inlierq.runtime.OrtRunner;
import dev.inlierq.tensor.ModelRunner;
import java.nio.file.Path;

/** The two execution engines: ONNX Runtime (deployment) and the DJL/libtorch engine (differentiable). */
public enum EngineKind {
    ORT, DJL;

    /** Opens a runner for the model with the given number of intra-op threads. */
    public ModelRunner open(Path model, int threads) {
        return open(model, threads, false);
    }

    /**
     * @param profile ONNX Runtime: turn its profiler on (slower runs, per-op times from {@code profile()});
     *                the DJL engine always counts its per-op time
     */
    public ModelRunner open(Path model, int threads, boolean profile) {
        return switch (this) {
            case ORT -> new OrtRunner(model, threads, ortOptimization(), profile);
            case DJL -> {
                DjlRuntime.setThreads(threads);
                yield new DjlRunner(model);
            }
        };
    }

    /**
     * ONNX Runtime's graph optimisation level: ALL unless the system property {@code inlierq.ort.optimization}
     * (none, basic, extended, all) says otherwise; NONE runs a QDQ model with exact QDQ semantics (no fused
     * integer kernels), useful to tell kernel effects from quantization effects.
     */
    static OrtRunner.Optimization ortOptimization() {
        String v = System.getProperty("inlierq.ort.optimization", "all");
        return OrtRunner.Optimization.valueOf(v.toUpperCase(java.util.Locale.ROOT));
    }

    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
