package dev.inlierq.demo;

import dev.inlierq.lidar.LidarConfig;
import dev.inlierq.synth.SynthConfig;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The settings of one {@link Demo} run, built with {@link #builder()}; every setting has a default, documented on
 * its setter. The benchmark ({@link Builder#data(DemoBenchmark)}) is the synthetic shapes benchmark unless set to
 * the LiDAR maps. Without {@link Builder#model(Path, String)} the demo runs the model bundled with the tool for that
 * benchmark ({@link DemoBenchmark#bundled()}).
 *
 * <pre>{@code
 * DemoConfig c = DemoConfig.builder().out(Path.of("inlierq-demo")).json(Path.of("demo.json")).build();
 * DemoResult r = Demo.run(c, Demo.Listener.NONE);
 * }</pre>
 */
public final class DemoConfig {
    /** Validation images of the default demo. */
    public static final int DEFAULT_VAL_IMAGES = 300;
    /** Calibration images of the default demo (from the synthetic train split). */
    public static final int DEFAULT_CALIB_IMAGES = 64;
    /** InlierQ's optimisation steps per block in the default demo (its "fast budget"). */
    public static final int DEFAULT_ITERATIONS = 20;
    /** Timed ONNX Runtime runs per file for the latency column. */
    public static final int DEFAULT_LATENCY_RUNS = 20;

    private final DemoBenchmark data;
    private final Path model;
    private final String spec;
    private final BundledModel bundled;
    private final Path cache;
    private final Path out;
    private final Path json;
    private final int valImages;
    private final int calibImages;
    private final long seed;
    private final int iterations;
    private final int threads;
    private final int latencyRuns;
    private final boolean reports;

    private DemoConfig(Builder b) {
        data = b.data;
        model = b.model;
        spec = b.spec;
        bundled = b.bundled != null ? b.bundled : b.data.bundled();
        cache = b.cache != null ? b.cache : defaultCache();
        out = b.out;
        json = b.json;
        valImages = b.valImages;
        calibImages = b.calibImages;
        seed = b.seed;
        iterations = b.iterations;
        threads = b.threads;
        latencyRuns = b.latencyRuns;
        reports = b.reports;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The default cache folder: {@code $XDG_CACHE_HOME/inlierq/demo} when that variable is set to an absolute
     * path, else {@code ~/.cache/inlierq/demo}.
     */
    public static Path defaultCache() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("inlierq").resolve("demo");
    }

    /** The benchmark the demo runs on: its images, its bundled model and its metrics. */
    public DemoBenchmark data() {
        return data;
    }

    /** The user's float model, or {@code null} for the bundled one. */
    public Path model() {
        return model;
    }

    /** The user's detector spec (a built-in name or a spec file), or {@code null} for the bundled one. */
    public String spec() {
        return spec;
    }

    /** The bundled model and spec, used when no model is given (by default the benchmark's). */
    public BundledModel bundled() {
        return bundled;
    }

    /** Where the synthetic images (or maps) and the copied bundled model are kept between runs. */
    public Path cache() {
        return cache;
    }

    /** The folder of the quantized files and reports ({@link DemoOutputs} says what may be written there). */
    public Path out() {
        return out;
    }

    /** The JSON summary file, or {@code null} for none. */
    public Path json() {
        return json;
    }

    public int valImages() {
        return valImages;
    }

    public int calibImages() {
        return calibImages;
    }

    public long seed() {
        return seed;
    }

    /** InlierQ's optimisation steps per block. */
    public int iterations() {
        return iterations;
    }

    public int threads() {
        return threads;
    }

    public int latencyRuns() {
        return latencyRuns;
    }

    /** Whether an HTML report is written per quantized file. */
    public boolean reports() {
        return reports;
    }

    /** Builds a {@link DemoConfig}; {@link #build()} checks the values. */
    public static final class Builder {
        private DemoBenchmark data = DemoBenchmark.SHAPES;
        private Path model;
        private String spec;
        private BundledModel bundled;
        private Path cache;
        private Path out = Path.of("inlierq-demo");
        private Path json;
        private int valImages = DEFAULT_VAL_IMAGES;
        private int calibImages = DEFAULT_CALIB_IMAGES;
        private long seed;
        private int iterations = DEFAULT_ITERATIONS;
        private int threads = 2;
        private int latencyRuns = DEFAULT_LATENCY_RUNS;
        private boolean reports = true;

        private Builder() {
        }

        /**
         * The benchmark: {@link DemoBenchmark#SHAPES} (default; camera images) or {@link DemoBenchmark#LIDAR}
         * (bird's-eye-view maps, scored with the BEV centre-distance mAP too).
         */
        public Builder data(DemoBenchmark benchmark) {
            this.data = Objects.requireNonNull(benchmark, "data");
            return this;
        }

        /**
         * The user's float model and its spec (a built-in name or a spec file), trained on the synthetic benchmark
         * of {@link #data}; default: the bundled model.
         */
        public Builder model(Path onnx, String detectorSpec) {
            this.model = Objects.requireNonNull(onnx, "model");
            this.spec = Objects.requireNonNull(detectorSpec, "spec");
            return this;
        }

        /** Which classpath resources hold the bundled model; default {@link DemoBenchmark#bundled()} of the data. */
        public Builder bundled(BundledModel b) {
            this.bundled = Objects.requireNonNull(b);
            return this;
        }

        /** Default {@link DemoConfig#defaultCache()}. */
        public Builder cache(Path dir) {
            this.cache = Objects.requireNonNull(dir);
            return this;
        }

        /** Default {@code inlierq-demo} (in the working folder). */
        public Builder out(Path dir) {
            this.out = Objects.requireNonNull(dir);
            return this;
        }

        /** Default none. */
        public Builder json(Path file) {
            this.json = file;
            return this;
        }

        /**
         * Synthetic validation images (maps), 1 to {@link SynthConfig#MAX_IMAGES} (LiDAR: {@link
         * LidarConfig#MAX_SCENES}); default 300.
         */
        public Builder valImages(int n) {
            this.valImages = n;
            return this;
        }

        /** Calibration images or maps (synthetic train split), at least 1; default 64. */
        public Builder calibImages(int n) {
            this.calibImages = n;
            return this;
        }

        /** Seeds the synthetic images, the calibration, GPTQ and reconstruction; default 0. */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** InlierQ's optimisation steps per block, at least 0 (0: its start, no optimisation); default 20. */
        public Builder iterations(int n) {
            this.iterations = n;
            return this;
        }

        /** Threads of every stage; default 2. */
        public Builder threads(int n) {
            this.threads = n;
            return this;
        }

        /** Timed runs per file for latency, at least 1; default 20. */
        public Builder latencyRuns(int n) {
            this.latencyRuns = n;
            return this;
        }

        /** Whether to write the HTML reports; default true. */
        public Builder reports(boolean on) {
            this.reports = on;
            return this;
        }

        /** @throws IllegalArgumentException naming the first value out of range */
        public DemoConfig build() {
            int max = data == DemoBenchmark.LIDAR ? LidarConfig.MAX_SCENES : SynthConfig.MAX_IMAGES;
            check(valImages >= 1 && valImages <= max, "validation " + data.noun() + " must be 1 to " + max + ", got "
                    + valImages);
            check(calibImages >= 1 && calibImages <= max, "calibration " + data.noun() + " must be 1 to " + max
                    + ", got " + calibImages);
            check(iterations >= 0, "iterations must be at least 0, got " + iterations);
            check(threads >= 1, "threads must be at least 1, got " + threads);
            check(latencyRuns >= 1, "latency runs must be at least 1, got " + latencyRuns);
            return new DemoConfig(this);
        }

        private static void check(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
