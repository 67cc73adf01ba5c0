package dev.inlierq.sensitivity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The result of {@link SensitivityAnalysis}: one record per analysed layer, most sensitive first, with how the
 * scores were obtained; {@link #table(int)} and {@link #toJsonMap()} render it.
 *
 * @param layers            the layers, by decreasing {@link LayerSensitivity#worstLossChange()}
 * @param calibrationImages images of the calibration set (activation ranges)
 * @param scoreImages       calibration images that scored every variant
 * @param rounding          how each weight was rounded when scored
 * @param scoring           at which operating point each weight was scored
 * @param accuracy          the AP baseline and the rank correlations, {@code null} without a labelled subset
 * @param seconds           wall time
 */
public record SensitivityReport(List<LayerSensitivity> layers, int calibrationImages, int scoreImages,
        WeightRounding rounding, WeightScoring scoring, Accuracy accuracy, double seconds) {
    public SensitivityReport {
        layers = List.copyOf(layers);
        java.util.Objects.requireNonNull(rounding, "rounding");
        java.util.Objects.requireNonNull(scoring, "scoring");
    }

    /**
     * Spearman's rank correlation between the loss-change and the AP-change rankings of one variant.
     *
     * @param rho    the correlation (NaN when undefined: fewer than two layers or a constant ranking)
     * @param layers the number of layers ranked
     */
    public record Correlation(double rho, int layers) {
    }

    /**
     * The labelled subset's results.
     *
     * @param floatAp  COCO AP@[.50:.95] of the float model on it (a fraction)
     * @param images   its images
     * @param spearman per measured variant, the correlation of the label-free ranking with the AP ranking
     */
    public record Accuracy(double floatAp, int images, Map<Variant, Correlation> spearman) {
        public Accuracy {
            spearman = Map.copyOf(spearman);
        }
    }

    /**
     * The first {@code top} layers (all when 0) as a text table: layer, op, weight bytes, the loss change of each
     * variant, their SQNR, and their AP change when measured; then the rank correlations.
     */
    public String table(int top) {
        boolean ap = accuracy != null;
        int width = 5;
        for (LayerSensitivity l : layers) {
            width = Math.max(width, l.layer().length());
        }
        width = Math.min(width, 40);
        StringBuilder sb = new StringBuilder();
        String head = "%-" + width + "s  %-13s %9s  %9s %9s  %8s %8s" + (ap ? "  %8s %8s" : "") + "%n";
        List<Object> cols = new ArrayList<>(List.of("layer", "op", "w bytes", "w dloss", "a dloss", "w SQNR", "a SQNR"));
        if (ap) {
            cols.addAll(List.of("w dAP", "a dAP"));
        }
        sb.append(String.format(Locale.ROOT, head, cols.toArray()));
        int n = top == 0 ? layers.size() : Math.min(top, layers.size());
        for (LayerSensitivity l : layers.subList(0, n)) {
            LayerSensitivity.Score w = l.score(Variant.WEIGHTS);
            LayerSensitivity.Score a = l.score(Variant.ACTIVATIONS);
            String op = l.op() + " w" + l.weight().bits() + (l.input() == null ? "af" : "a" + l.input().bits());
            sb.append(String.format(Locale.ROOT, "%-" + width + "s  %-13s %9d  %9s %9s  %8s %8s", clip(l.layer(), width),
                    op, l.weight().bytes(), loss(w), loss(a), db(w), db(a)));
            if (ap) {
                sb.append(String.format(Locale.ROOT, "  %8s %8s", apPoints(w), apPoints(a)));
            }
            sb.append('\n');
        }
        if (n < layers.size()) {
            sb.append(String.format(Locale.ROOT, "... %d more layers (--top 0 shows all, --json writes all)%n",
                    layers.size() - n));
        }
        sb.append(String.format(Locale.ROOT, "%d layers scored on %d calibration images (ranges from %d), weights "
                + "rounded %s, scored %s, %.1f s%n", layers.size(), scoreImages, calibrationImages, rounding.cliName(),
                scoring.cliName(), seconds));
        if (ap) {
            sb.append(String.format(Locale.ROOT, "float AP %.2f on %d labelled images; dAP in AP points%n",
                    accuracy.floatAp() * 100, accuracy.images()));
            for (var e : accuracy.spearman().entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
                sb.append(String.format(Locale.ROOT,
                        "Spearman (loss change vs AP change, %s): %s over %d layers%n", e.getKey().cliName(),
                        Double.isNaN(e.getValue().rho()) ? "undefined" : String.format(Locale.ROOT, "%.3f",
                                e.getValue().rho()), e.getValue().layers()));
            }
        }
        return sb.toString();
    }

    private static String loss(LayerSensitivity.Score s) {
        return s == null ? "-" : String.format(Locale.ROOT, "%.3e", s.lossChange());
    }

    private static String db(LayerSensitivity.Score s) {
        return s == null ? "-" : Double.isInfinite(s.sqnrDb()) ? "inf" : String.format(Locale.ROOT, "%.1f", s.sqnrDb());
    }

    private static String apPoints(LayerSensitivity.Score s) {
        return s == null || s.apChange() == null ? "-" : String.format(Locale.ROOT, "%.2f", s.apChange() * 100);
    }

    private static String clip(String s, int w) {
        return s.length() <= w ? s : "..." + s.substring(s.length() - w + 3);
    }

    /** Every row and the summary as JSON-ready maps (non-finite numbers as strings or null, which JSON lacks). */
    public Map<String, Object> toJsonMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("calibration_images", calibrationImages);
        m.put("score_images", scoreImages);
        m.put("weight_rounding", rounding.cliName());
        m.put("weight_scoring", scoring.cliName());
        m.put("seconds", seconds);
        if (accuracy != null) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("float_ap", accuracy.floatAp());
            a.put("images", accuracy.images());
            Map<String, Object> sp = new LinkedHashMap<>();
            accuracy.spearman().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("rho", finite(e.getValue().rho()));
                c.put("layers", e.getValue().layers());
                sp.put(e.getKey().cliName(), c);
            });
            a.put("spearman_loss_vs_ap", sp);
            m.put("labelled", a);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (LayerSensitivity l : layers) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("layer", l.layer());
            r.put("op", l.op());
            r.put("weight", l.weight().tensor());
            r.put("weight_bits", l.weight().bits());
            r.put("weight_parameters", l.weight().parameters());
            r.put("weight_bytes", l.weight().bytes());
            if (l.weight().readers().size() > 1) {
                r.put("weight_shared_by", l.weight().readers());
            }
            r.put("weights", score(l.weight().score()));
            if (l.input() != null) {
                r.put("input", l.input().tensor());
                r.put("input_bits", l.input().bits());
                r.put("activations", score(l.input().score()));
            }
            rows.add(r);
        }
        m.put("layers", rows);
        return m;
    }

    private static Map<String, Object> score(LayerSensitivity.Score s) {
        if (s == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("loss_change", finite(s.lossChange()));
        m.put("sqnr_db", Double.isInfinite(s.sqnrDb()) ? (s.sqnrDb() > 0 ? "inf" : "-inf") : finite(s.sqnrDb()));
        if (s.apChange() != null) {
            m.put("ap_change", finite(s.apChange()));
        }
        return m;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
