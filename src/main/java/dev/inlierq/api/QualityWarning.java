package dev.inlierq.api;

import dev.inlierq.plan.QuantPlan;
import dev.inlierq.plan.QuantPoint;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A quantization whose model outputs drift far from the float model's: some output's SQNR of the simulation
 * against the float model ({@link Quantization.Agreement#floatVsSimSqnrDb()}) is below
 * {@value #OUTPUT_SQNR_THRESHOLD_DB} dB, i.e. the output's error RMS is above a third of the output's RMS. The
 * threshold is a rule of thumb from FastestDet's raw output (one run each on this branch, calibration images):
 * W8A8 files that lose under 1 AP (docs/results.md) measured 10.3 dB (minmax) and 17.3 dB (gptq), W4A8 minmax,
 * which loses 15 AP, measured -0.4 dB; 20 dB would flag the good 8-bit files too. The warning names the quantized
 * tensors with the lowest SQNR of fake quantization ({@link Quantization.TensorReport#sqnrDb()}), the likeliest
 * culprits, and the weighted layer of the worst tensor that belongs to one (a weight, a bias or a layer input:
 * what {@code --exclude-node} would keep in float).
 *
 * @param lowOutputs outputs below the threshold, with their SQNR in dB
 * @param worst      the quantized tensors with the lowest SQNR, worst first
 * @param worstLayer the layer of the lowest-SQNR tensor that belongs to a layer, or null
 */
public record QualityWarning(Map<String, Double> lowOutputs, List<Quantization.TensorReport> worst,
        String worstLayer) {
    /** Output SQNR (float against simulation) below which a run warns. */
    public static final double OUTPUT_SQNR_THRESHOLD_DB = 10;
    /** Quantized tensors named by the warning. */
    public static final int WORST_TENSORS = 5;

    /** The warning for a run, or empty when every output is at or above the threshold. */
    public static Optional<QualityWarning> of(Quantization.Result r) {
        return of(r.agreement().floatVsSimSqnrDb(), r.tensors(), r.plan(), OUTPUT_SQNR_THRESHOLD_DB, WORST_TENSORS);
    }

    /**
     * @param outputs float-vs-simulation SQNR per output
     * @param tensors the per-tensor reports (tensors with a non-finite SQNR are never named)
     * @param plan    where the tensors' layers are looked up (may be null: no layer named)
     */
    public static Optional<QualityWarning> of(Map<String, Double> outputs, List<Quantization.TensorReport> tensors,
            QuantPlan plan, double thresholdDb, int count) {
        Map<String, Double> low = new LinkedHashMap<>();
        outputs.forEach((name, db) -> {
            if (db != null && !(db >= thresholdDb)) { // NaN counts as low
                low.put(name, db);
            }
        });
        if (low.isEmpty()) {
            return Optional.empty();
        }
        List<Quantization.TensorReport> ranked = tensors.stream().filter(t -> Double.isFinite(t.sqnrDb()))
                .sorted(Comparator.comparingDouble(Quantization.TensorReport::sqnrDb)
                        .thenComparing(Quantization.TensorReport::tensor)).toList();
        String layer = null;
        for (Quantization.TensorReport t : ranked) {
            QuantPoint p = plan == null ? null : plan.point(t.tensor());
            if (p != null && p.layer() != null) {
                layer = p.layer();
                break;
            }
        }
        return Optional.of(new QualityWarning(low, ranked.subList(0, Math.min(count, ranked.size())), layer));
    }
}
