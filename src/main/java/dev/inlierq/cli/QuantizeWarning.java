package dev.inlierq.cli;

import dev.inlierq.api.Method;
import dev.inlierq.api.QualityWarning;
import dev.inlierq.api.Quantization;
import dev.inlierq.plan.Placement;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The warning block {@code quantize} prints on stderr when a model output is far from the float model's
 * ({@link QualityWarning}): the low outputs, the quantized tensors with the lowest SQNR, and what to try.
 */
final class QuantizeWarning {
    private QuantizeWarning() {
    }

    /** The run's settings the advice refers to. */
    record Run(Path model, String spec, Path calib, Path out, Method method, Placement placement) {
    }

    static void print(PrintWriter err, QualityWarning w, Run run) {
        err.print(text(w, run));
        err.flush();
    }

    /** The block, one line per item. */
    static String text(QualityWarning w, Run run) {
        StringBuilder b = new StringBuilder();
        w.lowOutputs().forEach((name, db) -> b.append(String.format(Locale.ROOT,
                "warning: model output '%s' is %.1f dB from the float model (float vs simulation SQNR, below %.0f dB)%n",
                name, db, QualityWarning.OUTPUT_SQNR_THRESHOLD_DB)));
        b.append("  quantized tensors with the lowest SQNR (fake quantization on calibration images):\n");
        for (Quantization.TensorReport t : w.worst()) {
            b.append(String.format(Locale.ROOT, "    %6.1f dB  %-10s %d-bit  %s%n", t.sqnrDb(),
                    t.role().name().toLowerCase(Locale.ROOT), t.bits(), t.tensor()));
        }
        b.append("  to try:\n");
        for (String s : advice(w, run)) {
            b.append("    ").append(s).append('\n');
        }
        return b.toString();
    }

    /** Suggestions that change something: another method or placement, excluding the worst layer, the tools. */
    static List<String> advice(QualityWarning w, Run run) {
        List<String> a = new ArrayList<>();
        if (!run.method().gptqRounding() && !run.method().reconstructs()) {
            a.add("--method gptq (second-order weight rounding, with equalisation)");
        }
        if (run.placement() == Placement.ALL_ACTIVATIONS) {
            a.add("--placement inputs (quantize layer inputs only)");
        }
        if (w.worstLayer() != null) {
            a.add("--exclude-node " + w.worstLayer() + " (keep the layer of the worst tensor in float)");
        }
        a.add("./inlierq compare --float " + run.model() + " --quantized " + run.out() + " --images " + run.calib()
                + " --spec " + run.spec() + " (per-tensor error of the file under ONNX Runtime)");
        return a;
    }
}
