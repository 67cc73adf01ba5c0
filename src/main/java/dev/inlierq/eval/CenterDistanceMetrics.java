package dev.inlierq.eval;

import java.math.BigDecimal;
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
 * @param cellSize metres per pixel used for the distances
 * @param thresholds the distance thresholds in metres, ascending
 * @param classes the evaluated classes (those with ground truth), ascending by category id
 */
public record CenterDistanceMetrics(double cellSize, List<Double> thresholds, List<ClassAp> classes) {

    /**
     * The AP of one class.
     *
     * @param categoryId its COCO category id
     * @param name its COCO name (may be empty)
     * @param groundTruth its ground-truth boxes on the evaluated images
     * @param apByThreshold its AP at each threshold, in the order of {@link #thresholds()}
     */
    public record ClassAp(int categoryId, String name, int groundTruth, List<Double> apByThreshold) {
        public ClassAp {
            apByThreshold = List.copyOf(apByThreshold);
        }

        /** The mean of {@link #apByThreshold()}. */
        public double ap() {
            return mean(apByThreshold);
        }
    }

    public CenterDistanceMetrics {
        thresholds = List.copyOf(thresholds);
        classes = List.copyOf(classes);
        for (ClassAp c : classes) {
            if (c.apByThreshold().size() != thresholds.size()) {
                throw new IllegalArgumentException("class " + c.categoryId() + " has " + c.apByThreshold().size()
                        + " APs for " + thresholds.size() + " thresholds");
            }
        }
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

    /** Per class, its {@link ClassAp#ap()}, keyed as {@link #toJsonMap()} keys it, in category id order. */
    public Map<String, Double> apByClassName() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (ClassAp c : classes) {
            String key = c.name().isEmpty() || out.containsKey(c.name()) ? "category " + c.categoryId() : c.name();
            out.put(key, c.ap());
        }
        return out;
    }

    /** A threshold as a JSON key: {@code "0.5"}, {@code "1"}, {@code "2"}, {@code "4"}. */
    public static String thresholdKey(double metres) {
        return BigDecimal.valueOf(metres).stripTrailingZeros().toPlainString();
    }

    /**
     * {@code bev_mAP} ({@link #map()}), {@code bev_AP} (class name, or {@code "category ID"} for an empty or
     * repeated name, to its {@link ClassAp#ap()}) and {@code bev_AP_by_distance} (threshold key to
     * {@link #mapAt(int)}), in that order.
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
        return out;
    }

    /** A table, one line per class then the mAP line, each ending with a newline; values to 3 decimals. */
    public String summaryText() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, " BEV centre-distance AP (nuScenes), %s m per pixel, %d class%s\n",
                thresholdKey(cellSize), classes.size(), classes.size() == 1 ? "" : "es"));
        sb.append(String.format(Locale.ROOT, " %-16s %7s", "class", "boxes"));
        for (double t : thresholds) {
            sb.append(String.format(Locale.ROOT, " %7s", thresholdKey(t) + " m"));
        }
        sb.append(String.format(Locale.ROOT, " %7s\n", "mean"));
        Map<String, Double> names = apByClassName();
        var keys = names.keySet().iterator();
        for (ClassAp c : classes) {
            sb.append(String.format(Locale.ROOT, " %-16s %7d", keys.next(), c.groundTruth()));
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
        return sb.toString();
    }

    private static double mean(List<Double> values) {
        double[] a = values.stream().mapToDouble(Double::doubleValue).toArray();
        return a.length == 0 ? -1 : CocoNumerics.numpyMean(a, a.length);
    }
}
