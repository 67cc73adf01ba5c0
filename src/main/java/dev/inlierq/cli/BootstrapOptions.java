package dev.inlierq.cli;

import dev.inlierq.api.Evaluation;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.eval.CenterDistanceBootstrap;
import dev.inlierq.eval.CocoDataset;
import dev.inlierq.eval.ImageBootstrap;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code eval --bootstrap N [--bootstrap-seed S] [--baseline B.onnx]}: percentile intervals of AP, AP50 and AP75 by
 * resampling the evaluated images ({@link ImageBootstrap}), with {@code --bev-distance} also of the centre-distance
 * mAP ({@link CenterDistanceBootstrap}, the same resamples), and with a baseline model the paired difference this
 * model minus the baseline; mixed into {@link EvalCommand}, which prints {@link #print} and writes {@link #json}.
 */
final class BootstrapOptions {
    /** The largest {@code --bootstrap}: beyond it the run takes minutes and the intervals change no more. */
    static final int MAX_SAMPLES = 100_000;

    private static final List<String> KEYS = List.of("AP", "AP50", "AP75");

    /** The key and label of the centre-distance mAP, as the JSON of {@code --bev-distance} names it. */
    private static final String BEV_KEY = "bev_mAP";

    @Option(names = "--bootstrap", defaultValue = "0", paramLabel = "N", description = "Also report 95%% percentile "
            + "intervals of AP, AP50 and AP75, and with --bev-distance of the centre-distance bev_mAP, from N "
            + "resamples of the evaluated images (0 = off, at most " + MAX_SAMPLES + "; 1000 is usual). They cover "
            + "the choice of images only, not seeds or calibration images. Default: ${DEFAULT-VALUE}.")
    int samples;

    @Option(names = "--bootstrap-seed", defaultValue = "0", paramLabel = "S",
            description = "Seed of the --bootstrap resamples (the same seed, the same intervals). Default: "
                    + "${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--baseline", paramLabel = "B.onnx", description = "With --bootstrap: also evaluate this model "
            + "(same spec, images, engine and settings) and report the paired difference, this model minus the "
            + "baseline, with the same resamples for both.")
    Path baseline;

    /** Whether {@code --bootstrap} asks for intervals. */
    boolean enabled() {
        return samples > 0;
    }

    /** One usage line for a count out of range or a baseline without resamples; one line for a missing baseline. */
    void validate() {
        if (samples < 0 || samples > MAX_SAMPLES) {
            throw new UserError(ExitCode.USAGE, "--bootstrap must be between 0 (off) and " + MAX_SAMPLES
                    + ", got " + samples);
        }
        if (baseline != null && samples == 0) {
            throw new UserError(ExitCode.USAGE, "--baseline needs --bootstrap N (N > 0): it reports the paired "
                    + "bootstrap difference");
        }
        Cli.modelFile("--baseline", baseline);
    }

    /**
     * The resamples of the run's images: this model alone ({@code base} null), or paired with the baseline's run,
     * whose images must be the same; with a cell size ({@code bevCell} not NaN) also of the centre-distance mAP, with
     * the same draws.
     */
    Result resample(CocoDataset gt, Evaluation.Result run, Evaluation.Result base, double bevCell) {
        ImageBootstrap boot = new ImageBootstrap(gt, run.imageIds());
        CenterDistanceBootstrap bev = Double.isNaN(bevCell) ? null : new CenterDistanceBootstrap(boot, bevCell);
        if (base == null) {
            return new Result(boot.resample(boot.match(run.detections()), samples, seed), null,
                    bev == null ? null : bev.resample(bev.match(run.detections()), samples, seed), null);
        }
        if (!base.imageIds().equals(run.imageIds())) {
            throw new IllegalStateException("the baseline was evaluated on other images");
        }
        ImageBootstrap.Paired p = boot.resamplePaired(boot.match(base.detections()), boot.match(run.detections()),
                samples, seed);
        CenterDistanceBootstrap.Paired bp = bev == null ? null : bev.resamplePaired(bev.match(base.detections()),
                bev.match(run.detections()), samples, seed);
        return new Result(p.b(), p, bp == null ? null : bp.b(), bp);
    }

    /**
     * What {@link #resample} found.
     *
     * @param model this model's intervals
     * @param paired with a baseline: A the baseline, B this model; else null
     * @param bev with a cell size: this model's interval of the centre-distance mAP; else null
     * @param bevPaired with a cell size and a baseline: the paired centre-distance mAP; else null
     */
    record Result(ImageBootstrap.Summary model, ImageBootstrap.Paired paired, CenterDistanceBootstrap.Summary bev,
            CenterDistanceBootstrap.Paired bevPaired) {
    }

    /**
     * Prints, e.g. {@code bootstrap (1000 image resamples, seed 0): AP 95% interval [0.251, 0.279], sd 0.0071}
     * then AP50, AP75 and with a cell size {@value #BEV_KEY} on indented lines, and with a baseline {@code versus
     * baseline B.onnx (AP 0.2871): AP -0.0248, 95% interval [-0.0310, -0.0190], sd 0.0030, below zero in 100.0% of
     * samples} (with a cell size {@code (AP 0.2871, bev_mAP 0.5012)}) and the same for AP50, AP75 and
     * {@value #BEV_KEY}.
     */
    void print(PrintWriter out, Result r) {
        ImageBootstrap.Summary s = r.model();
        String level = percent(s.level(), 0);
        List<ImageBootstrap.Interval> iv = List.of(s.ap(), s.ap50(), s.ap75());
        for (int i = 0; i < KEYS.size(); i++) {
            intervalLine(out, i == 0 ? "bootstrap (" + s.samples() + " image resamples, seed " + s.seed() + "): "
                    : "  ", KEYS.get(i), level, iv.get(i));
        }
        if (r.bev() != null) {
            intervalLine(out, "  ", BEV_KEY, level, r.bev().map());
        }
        if (s.defined() < s.samples()) {
            out.printf(Locale.ROOT, "  (%d of the %d resamples drew no counting ground-truth box: left out)%n",
                    s.samples() - s.defined(), s.samples());
        }
        if (r.bev() != null && r.bev().defined() < r.bev().samples()) {
            out.printf(Locale.ROOT, "  (%d of the %d resamples drew no ground-truth centre: left out of %s)%n",
                    r.bev().samples() - r.bev().defined(), r.bev().samples(), BEV_KEY);
        }
        if (r.paired() == null) {
            return;
        }
        ImageBootstrap.Paired p = r.paired();
        List<ImageBootstrap.Difference> ds = List.of(p.ap(), p.ap50(), p.ap75());
        String head = "versus baseline " + baseline.getFileName() + " (AP " + fixed(p.a().point().ap(), 4)
                + (r.bevPaired() == null ? "" : ", " + BEV_KEY + " " + fixed(r.bevPaired().a().point(), 4)) + "): ";
        for (int i = 0; i < KEYS.size(); i++) {
            differenceLine(out, i == 0 ? head : "  ", KEYS.get(i), level, ds.get(i));
        }
        if (r.bevPaired() != null) {
            differenceLine(out, "  ", BEV_KEY, level, r.bevPaired().map());
        }
    }

    private static void intervalLine(PrintWriter out, String head, String key, String level,
            ImageBootstrap.Interval iv) {
        out.printf(Locale.ROOT, "%s%s %s interval [%s, %s], sd %s%n", head, key, level, fixed(iv.low(), 3),
                fixed(iv.high(), 3), fixed(iv.sd(), 4));
    }

    private static void differenceLine(PrintWriter out, String head, String key, String level,
            ImageBootstrap.Difference d) {
        out.printf(Locale.ROOT, "%s%s %s, %s interval [%s, %s], sd %s, below zero in %s of samples%n", head, key,
                signed(d.value()), level, fixed(d.low(), 4), fixed(d.high(), 4), fixed(d.sd(), 4),
                percent(d.shareBelowZero(), 1));
    }

    /**
     * The JSON entries: {@code "bootstrap"} with {@code samples, seed, level} and {@code low, high, sd} of AP, AP50,
     * AP75 and with a cell size {@value #BEV_KEY}; with a baseline {@code "baseline"} ({@code model} and its AP, AP50,
     * AP75 and {@value #BEV_KEY}) and {@code "difference"} ({@code value, low, high, sd, share_below_zero} of each).
     * Undefined numbers are null.
     */
    Map<String, Object> json(Result r) {
        ImageBootstrap.Summary s = r.model();
        Map<String, Object> boot = new LinkedHashMap<>();
        boot.put("samples", s.samples());
        boot.put("seed", s.seed());
        boot.put("level", s.level());
        List<ImageBootstrap.Interval> iv = List.of(s.ap(), s.ap50(), s.ap75());
        for (int i = 0; i < KEYS.size(); i++) {
            boot.put(KEYS.get(i), intervalJson(iv.get(i)));
        }
        if (r.bev() != null) {
            boot.put(BEV_KEY, intervalJson(r.bev().map()));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bootstrap", boot);
        if (r.paired() != null) {
            ImageBootstrap.Paired p = r.paired();
            Map<String, Object> base = new LinkedHashMap<>();
            base.put("model", baseline.toString());
            base.put("AP", number(p.a().point().ap()));
            base.put("AP50", number(p.a().point().ap50()));
            base.put("AP75", number(p.a().point().ap75()));
            if (r.bevPaired() != null) {
                base.put(BEV_KEY, number(r.bevPaired().a().point()));
            }
            out.put("baseline", base);
            Map<String, Object> diff = new LinkedHashMap<>();
            List<ImageBootstrap.Difference> ds = List.of(p.ap(), p.ap50(), p.ap75());
            for (int i = 0; i < KEYS.size(); i++) {
                diff.put(KEYS.get(i), differenceJson(ds.get(i)));
            }
            if (r.bevPaired() != null) {
                diff.put(BEV_KEY, differenceJson(r.bevPaired().map()));
            }
            out.put("difference", diff);
        }
        return out;
    }

    private static Map<String, Object> intervalJson(ImageBootstrap.Interval iv) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("low", number(iv.low()));
        m.put("high", number(iv.high()));
        m.put("sd", number(iv.sd()));
        return m;
    }

    private static Map<String, Object> differenceJson(ImageBootstrap.Difference d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("value", number(d.value()));
        m.put("low", number(d.low()));
        m.put("high", number(d.high()));
        m.put("sd", number(d.sd()));
        m.put("share_below_zero", number(d.shareBelowZero()));
        return m;
    }

    private static Double number(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static String fixed(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "n/a";
    }

    private static String signed(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%+.4f", v) : "n/a";
    }

    private static String percent(double share, int decimals) {
        return Double.isFinite(share) ? String.format(Locale.ROOT, "%." + decimals + "f%%", 100 * share) : "n/a";
    }
}
