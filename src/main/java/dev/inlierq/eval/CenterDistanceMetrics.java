package dev.inlierq.eval;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The result of {@link CenterDistanceEvaluator}: the nuScenes average precision (H. Caesar et al., "nuScenes: A
 * multimodal dataset for autonomous driving", CVPR 2020) of every class with ground truth at every centre-distance
 * threshold, as fractions in [0, 1], and the means built from them as the nuScenes devkit builds them: a class's AP
 * is the mean over the thresholds, mAP the mean of those over the classes; the mAP at one threshold is the mean over
 * the classes. Means are numpy's ({@link CocoNumerics#numpyMean}); with no class they are -1 ("undefined").
 *
 * <p>Each class also carries its true-positive errors ({@link TpErrors}, {@link TruePositiveErrors}), and
 * {@link #mate()}, {@link #mase()} and {@link #maoe()} are their means over the classes, as the devkit's
 * {@code tp_errors} (numpy's {@code nanmean}: a class without an orientation error is left out of mAOE). The
 * nuScenes detection score (NDS) is not computed: it also needs the velocity and attribute errors, which BEV maps
 * without time or attributes cannot give.
 *
 * @param cellSize metres per pixel used for the distances
 * @param thresholds the distance thresholds in metres, ascending
 * @param classes the evaluated classes (those with ground truth), ascending by category id
 * @param aseForm the boxes the scale errors compare ({@link AseForm})
 */
public record CenterDistanceMetrics(double cellSize, List<Double> thresholds, List<ClassAp> classes,
        AseForm aseForm) {

    /**
     * What the scale error (ASE, 1 - IoU of the two boxes aligned at their centres) compares, for a whole evaluation
     * ({@link TruePositiveErrors#aseForm}): the form the ground truth and the detections all allow.
     */
    public enum AseForm {
        /** The 3D boxes, nuScenes' form: length, width (the rotated footprint's sides) and height. */
        BOX_3D("3d", "the 3D boxes"),
        /** The rotated footprints: their length and width. */
        FOOTPRINT("footprint", "the footprints"),
        /** The axis-aligned footprint hulls ({@code bbox}): their width and height in the image. */
        HULL("hull", "the hulls");

        private final String key;
        private final String boxes;

        AseForm(String key, String boxes) {
            this.key = key;
            this.boxes = boxes;
        }

        /** The value of the JSON key {@code bev_ASE_form}: {@code "3d"}, {@code "footprint"} or {@code "hull"}. */
        public String key() {
            return key;
        }

        /** What is compared, for the printed table: "the 3D boxes", "the footprints", "the hulls". */
        public String boxes() {
            return boxes;
        }
    }

    /**
     * The AP of one class.
     *
     * @param categoryId its COCO category id
     * @param name its COCO name (may be empty)
     * @param groundTruth its ground-truth boxes on the evaluated images
     * @param apByThreshold its AP at each threshold, in the order of {@link #thresholds()}
     * @param tpErrors its true-positive errors
     */
    public record ClassAp(int categoryId, String name, int groundTruth, List<Double> apByThreshold,
            TpErrors tpErrors) {
        public ClassAp {
            apByThreshold = List.copyOf(apByThreshold);
            Objects.requireNonNull(tpErrors);
        }

        /** The mean of {@link #apByThreshold()}. */
        public double ap() {
            return mean(apByThreshold);
        }
    }

    /**
     * The nuScenes true-positive errors of one class at the 2 m matching threshold ({@link TruePositiveErrors}):
     * each 1 when the class has no true positive or its recall stays at or below 0.1.
     *
     * @param ate the translation error: the BEV distance between the centres, in metres
     * @param ase the scale error: 1 - IoU of the two boxes aligned at their centres (the 3D boxes, the rotated
     *     footprints or the axis-aligned hulls: {@link CenterDistanceMetrics#aseForm()}), in [0, 1]
     * @param aoe the orientation error: the smallest yaw difference in radians, in [0, pi]; NaN when not computed
     *     (the class has no heading, its ground truth no {@code rotated_bbox}, or no detection a yaw)
     */
    public record TpErrors(double ate, double ase, double aoe) {
        /** Whether {@link #aoe()} was computed. */
        public boolean hasAoe() {
            return !Double.isNaN(aoe);
        }
    }

    public CenterDistanceMetrics {
        Objects.requireNonNull(aseForm, "aseForm");
        thresholds = List.copyOf(thresholds);
        classes = List.copyOf(classes);
        for (ClassAp c : classes) {
            if (c.apByThreshold().size() != thresholds.size()) {
                throw new IllegalArgumentException("class " + c.categoryId() + " has " + c.apByThreshold().size()
                        + " APs for " + thresholds.size() + " thresholds");
            }
        }
    }

    /** Metrics whose scale errors compare the axis-aligned hulls ({@link AseForm#HULL}). */
    public CenterDistanceMetrics(double cellSize, List<Double> thresholds, List<ClassAp> classes) {
        this(cellSize, thresholds, classes, AseForm.HULL);
    }

    /** The mean over the classes of their {@link ClassAp#ap()}: nuScenes' mAP; -1 without a class. */
    public double map() {
        return mean(classes.stream().map(ClassAp::ap).toList());
    }

    /** The mean over the classes of their AP at threshold {@code t} (an index into {@link #thresholds()}). */
    public double mapAt(int t) {
        Objects.checkIndex(t, thresholds.size());
        return mean(classes.stream().map(c -> c.apByThreshold().get(t)).toList());
    }

    /** The mean over the classes of their translation error ({@link TpErrors#ate()}), in metres; -1 without a class. */
    public double mate() {
        return mean(classes.stream().map(c -> c.tpErrors().ate()).toList());
    }

    /** The mean over the classes of their scale error ({@link TpErrors#ase()}); -1 without a class. */
    public double mase() {
        return mean(classes.stream().map(c -> c.tpErrors().ase()).toList());
    }

    /**
     * The mean over the classes that have one of their orientation error ({@link TpErrors#aoe()}), in radians; NaN
     * when no class has one.
     */
    public double maoe() {
        return CocoNumerics.numpyNanMean(classes.stream().mapToDouble(c -> c.tpErrors().aoe()).toArray());
    }

    /** Per class, its {@link ClassAp#ap()}, keyed as {@link #toJsonMap()} keys it, in category id order. */
    public Map<String, Double> apByClassName() {
        Map<String, Double> out = new LinkedHashMap<>();
        List<String> keys = classKeys();
        for (int i = 0; i < classes.size(); i++) {
            out.put(keys.get(i), classes.get(i).ap());
        }
        return out;
    }

    /** The classes' keys in the JSON: the name, or {@code "category ID"} for an empty or repeated name. */
    private List<String> classKeys() {
        List<String> keys = new ArrayList<>();
        for (ClassAp c : classes) {
            keys.add(c.name().isEmpty() || keys.contains(c.name()) ? "category " + c.categoryId() : c.name());
        }
        return keys;
    }

    /** A threshold as a JSON key: {@code "0.5"}, {@code "1"}, {@code "2"}, {@code "4"}. */
    public static String thresholdKey(double metres) {
        return BigDecimal.valueOf(metres).stripTrailingZeros().toPlainString();
    }

    /**
     * {@code bev_mAP} ({@link #map()}), {@code bev_AP} (class name, or {@code "category ID"} for an empty or
     * repeated name, to its {@link ClassAp#ap()}), {@code bev_AP_by_distance} (threshold key to
     * {@link #mapAt(int)}), {@code bev_mATE} ({@link #mate()}), {@code bev_mASE} ({@link #mase()}),
     * {@code bev_ASE_form} ({@link AseForm#key()} of {@link #aseForm()}), {@code bev_mAOE} ({@link #maoe()}) and
     * {@code bev_TP_errors} (class key, as in {@code bev_AP}, to
     * {@code {"ATE", "ASE", "AOE"}}), in that order. An orientation error that was not computed is a {@code null}
     * value (the key is there).
     */
    public Map<String, Object> toJsonMap() {
        Map<String, Double> byDistance = new LinkedHashMap<>();
        for (int t = 0; t < thresholds.size(); t++) {
            byDistance.put(thresholdKey(thresholds.get(t)), mapAt(t));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bev_mAP", map());
        out.put("bev_AP", apByClassName());
        out.put("bev_AP_by_distance", byDistance);
        out.put("bev_mATE", mate());
        out.put("bev_mASE", mase());
        out.put("bev_ASE_form", aseForm.key());
        out.put("bev_mAOE", nullIfNaN(maoe()));
        Map<String, Map<String, Double>> errors = new LinkedHashMap<>();
        List<String> keys = classKeys();
        for (int i = 0; i < classes.size(); i++) {
            TpErrors e = classes.get(i).tpErrors();
            Map<String, Double> one = new LinkedHashMap<>();
            one.put("ATE", e.ate());
            one.put("ASE", e.ase());
            one.put("AOE", nullIfNaN(e.aoe()));
            errors.put(keys.get(i), one);
        }
        out.put("bev_TP_errors", errors);
        return out;
    }

    /**
     * Two tables, each line ending with a newline, values to 3 decimals: the AP, one line per class then the mAP
     * line; the true-positive errors, one line per class then the mean line, ATE in metres, AOE in radians and
     * {@code -} where it was not computed.
     */
    public String summaryText() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, " BEV centre-distance AP (nuScenes), %s m per pixel, %d class%s\n",
                thresholdKey(cellSize), classes.size(), classes.size() == 1 ? "" : "es"));
        sb.append(String.format(Locale.ROOT, " %-16s %7s", "class", "boxes"));
        for (double t : thresholds) {
            sb.append(String.format(Locale.ROOT, " %7s", thresholdKey(t) + " m"));
        }
        sb.append(String.format(Locale.ROOT, " %7s\n", "mean"));
        List<String> keys = classKeys();
        for (int i = 0; i < classes.size(); i++) {
            ClassAp c = classes.get(i);
            sb.append(String.format(Locale.ROOT, " %-16s %7d", keys.get(i), c.groundTruth()));
            for (double ap : c.apByThreshold()) {
                sb.append(String.format(Locale.ROOT, " %7.3f", ap));
            }
            sb.append(String.format(Locale.ROOT, " %7.3f\n", c.ap()));
        }
        sb.append(String.format(Locale.ROOT, " %-16s %7d", "mAP",
                classes.stream().mapToInt(ClassAp::groundTruth).sum()));
        for (int t = 0; t < thresholds.size(); t++) {
            sb.append(String.format(Locale.ROOT, " %7.3f", mapAt(t)));
        }
        sb.append(String.format(Locale.ROOT, " %7.3f\n", map()));
        sb.append(String.format(Locale.ROOT, " BEV true-positive errors (nuScenes) at %s m: ATE in m, ASE = 1 - IoU of"
                + " %s, AOE in rad\n", thresholdKey(TruePositiveErrors.DISTANCE), aseForm.boxes()));
        sb.append(String.format(Locale.ROOT, " %-16s %7s %7s %7s %7s\n", "class", "boxes", "ATE", "ASE", "AOE"));
        for (int i = 0; i < classes.size(); i++) {
            ClassAp c = classes.get(i);
            errorLine(sb, keys.get(i), c.groundTruth(), c.tpErrors().ate(), c.tpErrors().ase(), c.tpErrors().aoe());
        }
        errorLine(sb, "mean", classes.stream().mapToInt(ClassAp::groundTruth).sum(), mate(), mase(), maoe());
        return sb.toString();
    }

    private static void errorLine(StringBuilder sb, String name, int boxes, double ate, double ase, double aoe) {
        sb.append(String.format(Locale.ROOT, " %-16s %7d %7.3f %7.3f %7s\n", name, boxes, ate, ase,
                Double.isNaN(aoe) ? "-" : String.format(Locale.ROOT, "%.3f", aoe)));
    }

    private static Double nullIfNaN(double v) {
        return Double.isNaN(v) ? null : v;
    }

    private static double mean(List<Double> values) {
        double[] a = values.stream().mapToDouble(Double::doubleValue).toArray();
        return meanOf(a, a.length);
    }

    /**
     * The mean of {@code values[0..n)} as a class's AP and the mAP are taken (numpy's, {@link CocoNumerics#numpyMean});
     * -1 for {@code n = 0}. {@link CenterDistanceBootstrap} takes its means with it.
     */
    static double meanOf(double[] values, int n) {
        return n == 0 ? -1 : CocoNumerics.numpyMean(values, n);
    }
}
