package dev.inlierq.demo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a {@link Demo} run measured: the float model and each quantized file on the same synthetic validation
 * images, with ONNX Runtime; {@link #json()} is the {@code --json} document, {@link #table()} the summary table.
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
     * @param data       the folder of the synthetic images
     * @param dataReused whether the images were found in the cache
     */
    public record Setup(String model, Path modelFile, String spec, long seed, int valImages, int calibImages,
            int threads, int latencyRuns, Path data, boolean dataReused) {
    }

    /**
     * One model on the validation images.
     *
     * @param ap        COCO AP (0..1, as {@code eval} reports it)
     * @param ap50      COCO AP at IoU 0.5 (0..1)
     * @param images    validation images scored
     * @param sizeBytes the file's size
     * @param latencyMs median ONNX Runtime latency at batch 1
     */
    public record Measurement(double ap, double ap50, int images, long sizeBytes, double latencyMs) {
    }

    /**
     * One quantized file.
     *
     * @param method     the method that made it ({@code gptq}, {@code inlierq}, ...)
     * @param recipe     how the method was chosen and budgeted ({@code "default"} for the default recipe)
     * @param file       the quantized file
     * @param report     its HTML report, or {@code null} when none was written
     * @param seconds    wall time of the quantization
     */
    public record Run(String method, String recipe, int weightBits, int activationBits, Path file, Path report,
            double seconds, Measurement measured) {
        /** "W8A8". */
        public String bits() {
            return "W" + weightBits + "A" + activationBits;
        }
    }

    /**
     * The {@code --json} document: {@code float} ({@code AP}, {@code AP50} as fractions, {@code size_bytes},
     * {@code latency_ms}), {@code runs} (per file: {@code method}, {@code w_bits}, {@code a_bits}, {@code AP},
     * {@code AP50}, {@code seconds}, {@code size_bytes}, {@code latency_ms}, {@code recipe}, {@code file},
     * {@code report}), and the setup ({@code model}, {@code spec}, {@code seed}, image counts, {@code threads},
     * {@code cpu}, {@code data}, {@code data_reused}, {@code total_seconds}).
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
            m.put("AP", r.measured().ap());
            m.put("AP50", r.measured().ap50());
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
        root.put("val_images", setup.valImages());
        root.put("calib_images", setup.calibImages());
        root.put("threads", setup.threads());
        root.put("latency_runs", setup.latencyRuns());
        root.put("cpu", cpu);
        root.put("data", setup.data().toString());
        root.put("data_reused", setup.dataReused());
        root.put("total_seconds", seconds);
        return root;
    }

    private static void putMeasurement(Map<String, Object> m, Measurement x) {
        m.put("AP", x.ap());
        m.put("AP50", x.ap50());
        m.put("size_bytes", x.sizeBytes());
        m.put("latency_ms", x.latencyMs());
    }

    /**
     * The summary table: one row for the float model and one per quantized file, AP and AP50 in points (x100),
     * then a line saying what the columns measured.
     */
    public String table() {
        StringBuilder s = new StringBuilder();
        String fmt = "%-32s %-5s %6s %6s %9s %10s %8s%n";
        s.append(String.format(Locale.ROOT, fmt, "run", "bits", "AP", "AP50", "size", "latency", "seconds"));
        s.append(row(fmt, setup.model() + " (float)", "FP32", floatModel, "-"));
        for (Run r : runs) {
            s.append(row(fmt, r.method() + " (" + r.recipe() + ")", r.bits(), r.measured(),
                    String.format(Locale.ROOT, "%.1f", r.seconds())));
        }
        s.append(String.format(Locale.ROOT, "AP and AP50 (COCO, x100) on %d synthetic val images; latency: ONNX "
                + "Runtime, median of %d runs at batch 1 on %d threads; seconds: time to quantize%n",
                floatModel.images(), setup.latencyRuns(), setup.threads()));
        return s.toString();
    }

    private static String row(String fmt, String name, String bits, Measurement m, String seconds) {
        return String.format(Locale.ROOT, fmt, name, bits, points(m.ap()), points(m.ap50()), megabytes(m.sizeBytes()),
                String.format(Locale.ROOT, "%.2f ms", m.latencyMs()), seconds);
    }

    private static String points(double fraction) {
        return String.format(Locale.ROOT, "%.2f", 100 * fraction);
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.2f MB", bytes / 1048576.0);
    }
}
