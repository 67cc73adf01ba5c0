package dev.inlierq.compare;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A {@link Comparison.Result} as text (the worst tensors and the outputs) and as a JSON-ready map (every row). */
public final class ComparisonReport {
    private ComparisonReport() {
    }

    /** The worst {@code top} tensors as a table, then the model outputs' SQNR as deployed. */
    public static String table(Comparison.Result r, int top) {
        StringBuilder b = new StringBuilder();
        int shown = Math.min(top, r.tensors().size());
        b.append(String.format(Locale.ROOT, "worst %d of %d tensors by SQNR (float vs quantized model, ONNX Runtime, "
                + "%d images, spec %s):%n", shown, r.tensors().size(), r.images().size(), r.spec()));
        b.append(String.format(Locale.ROOT, "%9s %12s %9s %8s  %-11s %s%n", "SQNR dB", "max |err|", "rel. err",
                "cosine", "kind", "tensor"));
        boolean anyRescaled = false;
        for (TensorError e : r.tensors().subList(0, shown)) {
            b.append(row(e));
            anyRescaled |= e.pair().rescaled();
        }
        if (anyRescaled) {
            b.append("(* rescaled per channel by equalisation: compared after a per-channel gain)\n");
        }
        if (r.unmatched() > 0) {
            b.append(String.format(Locale.ROOT, "(%d float tensors have no counterpart in the quantized model: "
                    + "folded or removed when it was made)%n", r.unmatched()));
        }
        b.append("model outputs, quantized file as deployed (ONNX Runtime's integer kernels):\n");
        for (TensorError e : r.deployed()) {
            b.append(String.format(Locale.ROOT, "  '%s': SQNR %s dB, max |err| %.3e, rel. err %.3e, cosine %.5f%n",
                    e.tensor(), db(e.sqnrDb()), e.maxAbsError(), e.relMeanError(), e.cosine()));
        }
        return b.toString();
    }

    private static String row(TensorError e) {
        TensorMatch.Pair p = e.pair();
        String name = p.floatTensor() + (p.rescaled() ? " *" : "")
                + (p.quantizedTensor().equals(p.floatTensor()) ? "" : " (vs " + p.quantizedTensor() + ")");
        return String.format(Locale.ROOT, "%9s %12.3e %9.2e %8.5f  %-11s %s%n", db(e.sqnrDb()), e.maxAbsError(),
                e.relMeanError(), e.cosine(), p.kind().cliName(), name);
    }

    private static String db(double v) {
        return Double.isInfinite(v) ? (v > 0 ? "inf" : "-inf") : String.format(Locale.ROOT, "%.1f", v);
    }

    /** Every row, for {@code --json}. */
    public static Map<String, Object> json(Comparison.Options o, Comparison.Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("float_model", o.floatModel().toString());
        m.put("quantized_model", o.quantizedModel().toString());
        m.put("spec", r.spec());
        m.put("seed", o.seed());
        m.put("images", r.images().stream().map(Path::getFileName).map(Path::toString).toList());
        m.put("seconds", r.seconds());
        m.put("unmatched_float_tensors", r.unmatched());
        m.put("outputs_deployed", rows(r.deployed()));
        m.put("tensors", rows(r.tensors()));
        return m;
    }

    private static List<Map<String, Object>> rows(List<TensorError> errors) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (TensorError e : errors) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("tensor", e.tensor());
            m.put("quantized_tensor", e.pair().quantizedTensor());
            m.put("kind", e.pair().kind().cliName());
            m.put("rescaled", e.pair().rescaled());
            m.put("shape", e.shape());
            m.put("sqnr_db", number(e.sqnrDb()));
            m.put("max_abs_error", number(e.maxAbsError()));
            m.put("rel_mean_error", number(e.relMeanError()));
            m.put("cosine", number(e.cosine()));
            out.add(m);
        }
        return out;
    }

    /** JSON has no infinity or NaN: "inf", "-inf", null. */
    private static Object number(double v) {
        if (Double.isNaN(v)) {
            return null;
        }
        return Double.isInfinite(v) ? (v > 0 ? "inf" : "-inf") : (Object) v;
    }
}
