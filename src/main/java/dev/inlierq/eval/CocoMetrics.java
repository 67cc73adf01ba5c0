package dev.inlierq.eval;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The twelve COCO box-detection summary numbers, as fractions in [0, 1] exactly like the
 * {@code stats} array of pycocotools' {@code COCOeval.summarize()}, plus the AP of each category.
 * A value of {@code -1} means "undefined": no category had a ground-truth box that counts for that
 * number (for example {@code apSmall} when the evaluated images hold no small box).
 *
 * <p>Order and meaning, as in pycocotools: {@code ap} AP@[.50:.05:.95] (all areas, 100 dets),
 * {@code ap50}, {@code ap75}, {@code apSmall}, {@code apMedium}, {@code apLarge}, then recall averaged
 * over the IoU thresholds: {@code ar1}, {@code ar10}, {@code ar100} (all areas, at most 1 / 10 / 100
 * detections per image and category), {@code arSmall}, {@code arMedium}, {@code arLarge} (100 dets).
 * The first six are held in {@link #precision()}, the last six in {@link #recall()}; each has its own
 * accessor here too.
 *
 * @param precision the six AP numbers, {@code stats[0..5]}
 * @param recall the six AR numbers, {@code stats[6..11]}
 * @param perCategoryAp AP@[.50:.05:.95] (all areas, 100 dets) of every evaluated category id, ascending
 *     by id; {@code -1} for a category without a counting ground-truth box (those are left out of the
 *     means above)
 */
public record CocoMetrics(Precision precision, Recall recall, Map<Integer, Double> perCategoryAp) {

    /**
     * The average precisions of pycocotools' {@code stats[0..5]}.
     *
     * @param ap AP@[.50:.05:.95], all areas, 100 dets
     * @param ap50 AP at IoU 0.50
     * @param ap75 AP at IoU 0.75
     * @param apSmall AP@[.50:.05:.95] of small boxes
     * @param apMedium AP@[.50:.05:.95] of medium boxes
     * @param apLarge AP@[.50:.05:.95] of large boxes
     */
    public record Precision(double ap, double ap50, double ap75, double apSmall, double apMedium, double apLarge) {
    }

    /**
     * The average recalls of pycocotools' {@code stats[6..11]}.
     *
     * @param ar1 AR at most 1 detection per image and category, all areas
     * @param ar10 AR at most 10 detections
     * @param ar100 AR at most 100 detections
     * @param arSmall AR of small boxes (100 dets)
     * @param arMedium AR of medium boxes (100 dets)
     * @param arLarge AR of large boxes (100 dets)
     */
    public record Recall(double ar1, double ar10, double ar100, double arSmall, double arMedium, double arLarge) {
    }

    /** The JSON keys of {@link #toJsonMap()}, in pycocotools' {@code stats} order. */
    public static final List<String> KEYS = List.of("AP", "AP50", "AP75", "APs", "APm", "APl",
            "AR1", "AR10", "AR100", "ARs", "ARm", "ARl");

    public CocoMetrics {
        Objects.requireNonNull(precision);
        Objects.requireNonNull(recall);
        Objects.requireNonNull(perCategoryAp);
        perCategoryAp = Collections.unmodifiableMap(new TreeMap<>(perCategoryAp));
    }

    /** Builds the record from pycocotools' 12-element {@code stats} order. */
    public static CocoMetrics fromStats(double[] stats, Map<Integer, Double> perCategoryAp) {
        if (stats.length != 12) {
            throw new IllegalArgumentException("expected 12 stats, got " + stats.length);
        }
        return new CocoMetrics(new Precision(stats[0], stats[1], stats[2], stats[3], stats[4], stats[5]),
                new Recall(stats[6], stats[7], stats[8], stats[9], stats[10], stats[11]), perCategoryAp);
    }

    // the twelve numbers by name, in pycocotools' stats order

    public double ap() {
        return precision.ap();
    }

    public double ap50() {
        return precision.ap50();
    }

    public double ap75() {
        return precision.ap75();
    }

    public double apSmall() {
        return precision.apSmall();
    }

    public double apMedium() {
        return precision.apMedium();
    }

    public double apLarge() {
        return precision.apLarge();
    }

    public double ar1() {
        return recall.ar1();
    }

    public double ar10() {
        return recall.ar10();
    }

    public double ar100() {
        return recall.ar100();
    }

    public double arSmall() {
        return recall.arSmall();
    }

    public double arMedium() {
        return recall.arMedium();
    }

    public double arLarge() {
        return recall.arLarge();
    }

    /** The 12 numbers in pycocotools' {@code stats} order. */
    public double[] stats() {
        return new double[] {ap(), ap50(), ap75(), apSmall(), apMedium(), apLarge(), ar1(), ar10(), ar100(),
            arSmall(), arMedium(), arLarge()};
    }

    /** The 12 numbers keyed {@code AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl}, in that order. */
    public Map<String, Object> toJsonMap() {
        double[] s = stats();
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < s.length; i++) {
            out.put(KEYS.get(i), s[i]);
        }
        return out;
    }

    /**
     * The 12 lines pycocotools' {@code summarize()} prints, e.g.
     * {@code " Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.372"}, each
     * ending with a newline; values are rounded half-even on their exact binary value, as Python's
     * {@code format} does.
     */
    public String summaryText() {
        double[] s = stats();
        StringBuilder sb = new StringBuilder();
        String[] iou = {"0.50:0.95", "0.50", "0.75", "0.50:0.95", "0.50:0.95", "0.50:0.95",
            "0.50:0.95", "0.50:0.95", "0.50:0.95", "0.50:0.95", "0.50:0.95", "0.50:0.95"};
        String[] area = {"all", "all", "all", "small", "medium", "large", "all", "all", "all", "small", "medium",
            "large"};
        int[] maxDets = {100, 100, 100, 100, 100, 100, 1, 10, 100, 100, 100, 100};
        for (int i = 0; i < 12; i++) {
            boolean isAp = i < 6;
            sb.append(' ').append(String.format(Locale.ROOT, "%-18s", isAp ? "Average Precision" : "Average Recall"))
                    .append(' ').append(isAp ? "(AP)" : "(AR)")
                    .append(" @[ IoU=").append(String.format(Locale.ROOT, "%-9s", iou[i]))
                    .append(" | area=").append(String.format(Locale.ROOT, "%6s", area[i]))
                    .append(" | maxDets=").append(String.format(Locale.ROOT, "%3d", maxDets[i]))
                    .append(" ] = ").append(format3(s[i])).append('\n');
        }
        return sb.toString();
    }

    private static String format3(double v) {
        if (!Double.isFinite(v)) {
            return Double.isNaN(v) ? "nan" : (v > 0 ? "inf" : "-inf");
        }
        return new BigDecimal(v).setScale(3, RoundingMode.HALF_EVEN).toPlainString();
    }
}
