package dev.inlierq.demo;

import dev.inlierq.eval.ImageBootstrap;
import dev.inlierq.htmlreport.ReportModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * What a {@link Demo} run measured: the float model and each quantized file on the same synthetic validation
 * images (or LiDAR maps), with ONNX Runtime; {@link #json()} is the {@code --json} document, {@link #table()} the
 * summary table.
 *
 * @param setup   what ran on what
 * @param floatModel the float model's accuracy, size and latency
 * @param runs    the quantized files, in the order they were made
 * @param cpu     the CPU's model name ({@code /proc/cpuinfo})
 * @param seconds wall time of the whole demo
 */
public record DemoResult(Setup setup, Measurement floatModel, List<Run> runs, String cpu, double seconds) {
    public DemoResult {
        runs = List.copyOf(runs);
    }

    /**
     * The demo's inputs.
     *
     * @param model      the model's name (the file name without extension)
     * @param modelFile  the float ONNX file that ran (the cached copy of a bundled model)
     * @param spec       the detector spec's name
     * @param data       the synthetic images (or maps) it ran on
     */
    public record Setup(String model, Path modelFile, String spec, long seed, Data data, int threads,
            int latencyRuns) {
    }

    /**
     * The synthetic images (or maps) of a run.
     *
     * @param benchmark   which benchmark they come from
     * @param folder      the generation's folder in the cache
     * @param reused      whether they were found in the cache
     * @param valImages   validation images (maps)
     * @param calibImages calibration images (maps), from the train split
     */
    public record Data(DemoBenchmark benchmark, Path folder, boolean reused, int valImages, int calibImages) {
    }

    /**
     * One model on the validation images.
     *
     * @param ap        COCO AP (0..1, as {@code eval} reports it)
     * @param ap50      COCO AP at IoU 0.5 (0..1)
     * @param bevMap    the nuScenes centre-distance mAP (0..1) on the LiDAR maps; empty on the shapes benchmark
     * @param images    validation images scored
     * @param sizeBytes the file's size
     * @param latencyMs median ONNX Runtime latency at batch 1
     */
    public record Measurement(double ap, double ap50, OptionalDouble bevMap, int images, long sizeBytes,
            double latencyMs) {
        public Measurement {
            Objects.requireNonNull(bevMap, "bevMap");
        }
    }

    /**
     * One quantized file.
     *
     * @param method     the method that made it ({@code gptq}, {@code inlierq}, ...)
     * @param recipe     how the method was chosen and budgeted ({@code "default"} for the default recipe)
     * @param file       the quantized file
     * @param report     its HTML report, or {@code null} when none was written
     * @param seconds    wall time of the quantization
     * @param bootstrap  the paired image bootstrap of its AP (and BEV mAP) minus the float model's, or {@code null}
     *                   when not measured
     */
    public record Run(String method, String recipe, int weightBits, int activationBits, Path file, Path report,
            double seconds, Measurement measured, ReportModel.Bootstrap bootstrap) {
        /** "W8A8". */
        public String bits() {
            return "W" + weightBits + "A" + activationBits;
        }
    }

    /**
     * The {@code --json} document: {@code float} ({@code AP}, {@code AP50} as fractions, on the LiDAR maps
     * {@code bev_mAP} too, {@code size_bytes}, {@code latency_ms}), {@code runs} (per file: {@code method},
     * {@code w_bits}, {@code a_bits}, {@code AP}, {@code AP50}, LiDAR: {@code bev_mAP}, {@code seconds},
     * {@code size_bytes}, {@code latency_ms}, {@code recipe}, {@code file}, {@code report}, and the paired bootstrap
     * of the change against the float model: {@code AP_diff}, LiDAR: {@code bev_mAP_diff}, each {@code value, low,
     * high, sd} as fractions, null where undefined), and the setup
     * ({@code model}, {@code spec}, {@code seed}, image counts, {@code threads}, {@code cpu}, {@code benchmark},
     * {@code data}, {@code data_reused}, {@code total_seconds}).
     */
    public Map<String, Object> json() {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> f = new LinkedHashMap<>();
        putMeasurement(f, floatModel);
        root.put("float", f);
        List<Map<String, Object>> list = new ArrayList<>();
        for (Run r : runs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("method", r.method());
            m.put("w_bits", r.weightBits());
            m.put("a_bits", r.activationBits());
            putAccuracy(m, r.measured());
            if (r.bootstrap() != null) {
                m.put("AP_diff", differenceJson(r.bootstrap().ap()));
                if (r.bootstrap().bevMap() != null) {
                    m.put("bev_mAP_diff", differenceJson(r.bootstrap().bevMap()));
                }
            }
            m.put("seconds", r.seconds());
            m.put("size_bytes", r.measured().sizeBytes());
            m.put("latency_ms", r.measured().latencyMs());
            m.put("recipe", r.recipe());
            m.put("file", r.file().toString());
            if (r.report() != null) {
                m.put("report", r.report().toString());
            }
            list.add(m);
        }
        root.put("runs", list);
        root.put("model", setup.model());
        root.put("model_file", setup.modelFile().toString());
        root.put("spec", setup.spec());
        root.put("seed", setup.seed());
        root.put("val_images", setup.data().valImages());
        root.put("calib_images", setup.data().calibImages());
        root.put("threads", setup.threads());
        root.put("latency_runs", setup.latencyRuns());
        root.put("cpu", cpu);
        root.put("benchmark", setup.data().benchmark().cliName());
        root.put("data", setup.data().folder().toString());
        root.put("data_reused", setup.data().reused());
        root.put("total_seconds", seconds);
        return root;
    }

    private static Map<String, Object> differenceJson(ImageBootstrap.Difference d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("value", finite(d.value()));
        m.put("low", finite(d.low()));
        m.put("high", finite(d.high()));
        m.put("sd", finite(d.sd()));
        return m;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static void putMeasurement(Map<String, Object> m, Measurement x) {
        putAccuracy(m, x);
        m.put("size_bytes", x.sizeBytes());
        m.put("latency_ms", x.latencyMs());
    }

    private static void putAccuracy(Map<String, Object> m, Measurement x) {
        m.put("AP", x.ap());
        m.put("AP50", x.ap50());
        x.bevMap().ifPresent(v -> m.put("bev_mAP", v));
    }

    /**
     * The summary table: one row for the float model and one per quantized file, AP and AP50 in points (x100), on
     * the LiDAR maps the BEV mAP too (x100), then the paired change against the float model with its 95% interval
     * ({@code -0.33 [-0.61, -0.08]}, points; on the LiDAR maps of the BEV mAP too), then lines saying what the
     * columns measured.
     */
    public String table() {
        boolean bev = setup.data().benchmark().bev();
        StringBuilder s = new StringBuilder();
        String fmt = "%-32s %-5s %6s %6s " + (bev ? "%7s " : "") + "%9s %10s %8s %22s" + (bev ? " %22s" : "") + "%n";
        s.append(line(fmt, bev, List.of("run", "bits", "AP", "AP50"), "BEV mAP", List.of("size", "latency",
                "seconds", "AP change [95%]"), "BEV mAP change [95%]"));
        s.append(row(fmt, bev, setup.model() + " (float)", "FP32", floatModel, "-", null));
        for (Run r : runs) {
            s.append(row(fmt, bev, r.method() + " (" + r.recipe() + ")", r.bits(), r.measured(),
                    String.format(Locale.ROOT, "%.1f", r.seconds()), r.bootstrap()));
        }
        String what = bev ? "AP and AP50 (COCO, x100) and BEV mAP (nuScenes centre distance at 0.5, 1, 2 and 4 m, "
                + "x100) on %d synthetic LiDAR val maps" : "AP and AP50 (COCO, x100) on %d synthetic val images";
        s.append(String.format(Locale.ROOT, what + "; latency: ONNX Runtime, median of %d runs at batch 1 on %d "
                + "threads; seconds: time to quantize%n", floatModel.images(), setup.latencyRuns(), setup.threads()));
        Run first = runs.stream().filter(r -> r.bootstrap() != null).findFirst().orElse(null);
        if (first != null) {
            s.append(String.format(Locale.ROOT, "change: quantized minus float (x100), 95%% interval of %d paired "
                    + "resamples of the val %s (seed %d); it covers the choice of images only, not seeds%n",
                    first.bootstrap().samples(), bev ? "maps" : "images", first.bootstrap().seed()));
        }
        return s.toString();
    }

    private static String row(String fmt, boolean bev, String name, String bits, Measurement m, String seconds,
            ReportModel.Bootstrap boot) {
        return line(fmt, bev, List.of(name, bits, points(m.ap()), points(m.ap50())),
                m.bevMap().isPresent() ? points(m.bevMap().getAsDouble()) : "-",
                List.of(megabytes(m.sizeBytes()), String.format(Locale.ROOT, "%.2f ms", m.latencyMs()), seconds,
                        boot == null ? "-" : change(boot.ap())),
                boot == null || boot.bevMap() == null ? "-" : change(boot.bevMap()));
    }

    /**
     * One line of the table: the cells before the BEV column, that column's cell when shown, the cells after, and
     * the BEV change's cell when shown.
     */
    private static String line(String fmt, boolean bev, List<String> before, String bevCell, List<String> after,
            String bevChange) {
        List<Object> cells = new ArrayList<>(before);
        if (bev) {
            cells.add(bevCell);
        }
        cells.addAll(after);
        if (bev) {
            cells.add(bevChange);
        }
        return String.format(Locale.ROOT, fmt, cells.toArray());
    }

    /** {@code -0.33 [-0.61, -0.08]}: a paired change and its interval in points. */
    static String change(ImageBootstrap.Difference d) {
        return String.format(Locale.ROOT, "%s [%s, %s]", pointsOrNa(d.value()), pointsOrNa(d.low()),
                pointsOrNa(d.high()));
    }

    private static String pointsOrNa(double fraction) {
        return Double.isFinite(fraction) ? String.format(Locale.ROOT, "%.2f", 100 * fraction) : "n/a";
    }

    private static String points(double fraction) {
        return String.format(Locale.ROOT, "%.2f", 100 * fraction);
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.2f MB", bytes / 1048576.0);
    }
}
