package dev.inlierq.demo;

import dev.inlierq.synth.SynthConfig;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The settings of one {@link Demo} run, built with {@link #builder()}; every setting has a default, documented on
 * its setter. Without {@link Builder#model(Path, String)} the demo runs the model bundled with the tool
 * ({@link BundledModel#DEFAULT}).
 *
 * <pre>{@code
 * DemoConfig c = DemoConfig.builder().out(Path.of("inlierq-demo")).json(Path.of("demo.json")).build();
 * Demo.Result r = Demo.run(c, Demo.Listener.NONE);
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
        model = b.model;
        spec = b.spec;
        bundled = b.bundled;
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

    /** The user's float model, or {@code null} for the bundled one. */
    public Path model() {
        return model;
    }

    /** The user's detector spec (a built-in name or a spec file), or {@code null} for the bundled one. */
    public String spec() {
        return spec;
    }

    /** The bundled model and spec, used when no model is given. */
    public BundledModel bundled() {
        return bundled;
    }

    /** Where the synthetic images and the copied bundled model are kept between runs. */
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
        private Path model;
        private String spec;
        private BundledModel bundled = BundledModel.DEFAULT;
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

        /** The user's float model and its spec (a built-in name or a spec file); default: the bundled model. */
        public Builder model(Path onnx, String detectorSpec) {
            this.model = Objects.requireNonNull(onnx, "model");
            this.spec = Objects.requireNonNull(detectorSpec, "spec");
            return this;
        }

        /** Which classpath resources hold the bundled model; default {@link BundledModel#DEFAULT}. */
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

        /** Synthetic validation images, 1 to {@link SynthConfig#MAX_IMAGES}; default 300. */
        public Builder valImages(int n) {
            this.valImages = n;
            return this;
        }

        /** Calibration images (synthetic train split), at least 1; default 64. */
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
            check(valImages >= 1 && valImages <= SynthConfig.MAX_IMAGES,
                    "validation images must be 1 to " + SynthConfig.MAX_IMAGES + ", got " + valImages);
            check(calibImages >= 1 && calibImages <= SynthConfig.MAX_IMAGES,
                    "calibration images must be 1 to " + SynthConfig.MAX_IMAGES + ", got " + calibImages);
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
