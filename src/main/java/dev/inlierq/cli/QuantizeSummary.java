package dev.inlierq.cli;

import dev.inlierq.api.Quantization;
import dev.inlierq.rounding.GptqRounding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The results part of {@code quantize --json}: timing, agreement, per-tensor encodings, units, inlier fits. */
final class QuantizeSummary {
    private QuantizeSummary() {
    }

    static Map<String, Object> of(Quantization.Result r) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("seconds", r.seconds());
        s.put("peak_rss_bytes", r.peakRssBytes());
        s.put("calibration_files", r.calibration().files().stream().map(p -> p.getFileName().toString()).toList());
        s.put("provenance", r.provenance());
        Map<String, Object> agreement = new LinkedHashMap<>();
        agreement.put("images", r.agreement().images());
        agreement.put("sim_vs_ort_sqnr_db", r.agreement().simVsOrtSqnrDb());
        agreement.put("sim_vs_ort_max_rel_error", r.agreement().simVsOrtMaxRelError());
        agreement.put("float_vs_sim_sqnr_db", r.agreement().floatVsSimSqnrDb());
        s.put("agreement", agreement);
        List<Map<String, Object>> tensors = new ArrayList<>();
        for (Quantization.TensorReport t : r.tensors()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("tensor", t.tensor());
            e.put("role", t.role().name().toLowerCase(Locale.ROOT));
            e.put("bits", t.bits());
            e.put("scale", t.scale().length == 1 ? t.scale()[0] : t.scale());
            e.put("zero_point", t.zeroPoint().length == 1 ? t.zeroPoint()[0] : t.zeroPoint());
            e.put("clip_rate", t.clipRate());
            e.put("sqnr_db", Double.isInfinite(t.sqnrDb()) ? "inf" : t.sqnrDb());
            if (t.group() != null) {
                e.put("shared_with", t.group());
            }
            tensors.add(e);
        }
        s.put("tensors", tensors);
        if (!r.units().isEmpty()) {
            s.put("reconstruction", reconstruction(r));
        }
        if (!r.gptq().isEmpty()) {
            s.put("gptq", gptq(r.gptq()));
        }
        if (!r.inliers().isEmpty()) {
            List<Map<String, Object>> inl = new ArrayList<>();
            for (Quantization.InlierReport ir : r.inliers()) {
                var f = ir.fit();
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("tensor", ir.tensor());
                e.put("weights", java.util.Arrays.asList(finite(f.anomalyWeight()), finite(f.inlierWeight())));
                e.put("means", java.util.Arrays.asList(finite(f.anomalyMean()), finite(f.inlierMean())));
                e.put("deviations", java.util.Arrays.asList(finite(f.anomalyDeviation()), finite(f.inlierDeviation())));
                e.put("scale", f.options().scale().name().toLowerCase(Locale.ROOT));
                e.put("iterations", f.iterations());
                e.put("converged", f.converged());
                e.put("inlier_fraction", ir.inlierFraction());
                e.put("zero_saliency_fraction", ir.zeroSaliencyFraction());
                e.put("volumes", f.count());
                e.put("fell_back", f.fellBack());
                if (f.fellBack()) {
                    e.put("fallback_reason", f.fallbackReason());
                }
                if (ir.rangeAll() != null) {
                    e.put("range_all_volumes", ir.rangeAll());
                    e.put("range_inliers", ir.rangeInliers());
                }
                inl.add(e);
            }
            s.put("inliers", inl);
        }
        return s;
    }

    /** The reconstruction's settings and per-unit reports. */
    private static Map<String, Object> reconstruction(Quantization.Result r) {
        List<Map<String, Object>> units = new ArrayList<>();
        for (var u : r.units()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("unit", u.name());
            e.put("layers", u.layers());
            e.put("iterations", u.iterations());
            e.put("first_loss", Double.isNaN(u.firstLoss()) ? null : u.firstLoss());
            e.put("last_loss", Double.isNaN(u.lastLoss()) ? null : u.lastLoss());
            e.put("loss_curve", u.losses().points());
            e.put("flipped_rounding_fraction", u.flippedFraction());
            e.put("seconds", u.seconds());
            e.put("loss_before", Double.isNaN(u.check().lossBefore()) ? null : u.check().lossBefore());
            e.put("loss_after", Double.isNaN(u.check().lossAfter()) ? null : u.check().lossAfter());
            e.put("loss_learned", Double.isNaN(u.check().lossLearned()) ? null : u.check().lossLearned());
            e.put("kept_initial", u.check().keptInitial());
            e.put("kept", u.check().kept().jsonName());
            if (!Double.isNaN(u.check().lossBiasCorrected())) {
                e.put("loss_bias_corrected", finite(u.check().lossBiasCorrected()));
                e.put("bias_corrected", u.check().biasCorrected());
            }
            if (u.window() != null) {
                e.put("window", u.window());
            }
            if (u.earlyStop() != null) {
                e.put("early_stopping", earlyStop(u.earlyStop()));
            }
            units.add(e);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("settings", r.provenance().getOrDefault("inlierq.reconstruction", ""));
        out.put("units", units);
        out.put("units_kept_initial", units.stream().filter(e -> Boolean.TRUE.equals(e.get("kept_initial"))).count());
        return out;
    }

    /**
     * A unit's early stopping: steps run, the step of the kept check, whether it stopped before its budget, and the
     * held-out loss at every check.
     */
    private static Map<String, Object> earlyStop(dev.inlierq.recon.EarlyStop s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("steps", s.steps());
        m.put("best_step", s.bestStep());
        m.put("stopped", s.stopped());
        m.put("check_steps", s.checks().stream().map(c -> c.step()).toList());
        m.put("holdout_losses", s.checks().stream().map(c -> finite(c.loss())).toList());
        return m;
    }

    /** JSON has no NaN: null instead. */
    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /**
     * GPTQ per layer: its convolution groups and columns, the sampled input patches, and its summed output error
     * over them, tr((W - Q) H (W - Q)^T), with nearest rounding and with GPTQ's.
     */
    private static Map<String, Object> gptq(List<GptqRounding.LayerReport> layers) {
        List<Map<String, Object>> rows = new ArrayList<>();
        double nearest = 0;
        double rounded = 0;
        for (GptqRounding.LayerReport l : layers) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("layer", l.layer());
            e.put("groups", l.groups());
            e.put("columns", l.columns());
            e.put("samples", l.samples());
            e.put("output_error_nearest", l.nearestError());
            e.put("output_error_gptq", l.gptqError());
            e.put("damp", l.damp());
            rows.add(e);
            nearest += l.nearestError();
            rounded += l.gptqError();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("layers", rows);
        m.put("output_error_nearest", nearest);
        m.put("output_error_gptq", rounded);
        return m;
    }
}
