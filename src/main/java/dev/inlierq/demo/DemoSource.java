package dev.inlierq.demo;

import dev.inlierq.lidar.LidarConfig;
import dev.inlierq.lidar.LidarDataset;
import dev.inlierq.synth.Split;
import dev.inlierq.synth.SynthConfig;
import dev.inlierq.synth.SynthDataset;
import java.nio.file.Path;
import java.util.Map;

/**
 * The generator of a demo's images, one per {@link DemoBenchmark}, seen the same way by {@link DemoData}: the
 * settings that decide its output (hashed into the cache folder's name), how its manifest names it, whether a
 * folder holds it complete, and the generation itself. {@link Shapes} wraps {@link SynthDataset}, {@link Lidar}
 * wraps {@link LidarDataset}; both write {@code train/}, {@code val/} and {@code instances_*.json} the same way.
 */
sealed interface DemoSource permits DemoSource.Shapes, DemoSource.Lidar {
    /** Reports progress: {@code done} of {@code total} images (or maps) of {@code split} written, in order. */
    @FunctionalInterface
    interface Progress {
        void done(Split split, int done, int total);

        Progress NONE = (split, done, total) -> { };
    }

    /**
     * The demo's generation for {@code benchmark}: {@code valImages} validation and {@code calibImages} training
     * images (the calibration images) with {@code seed}, every other setting at its default.
     */
    static DemoSource of(DemoBenchmark benchmark, int valImages, int calibImages, long seed, int threads) {
        return switch (benchmark) {
            case SHAPES -> new Shapes(SynthConfig.builder().seed(seed).valImages(valImages).trainImages(calibImages)
                    .threads(threads).build());
            case LIDAR -> new Lidar(LidarConfig.builder().seed(seed).valScenes(valImages).trainScenes(calibImages)
                    .threads(threads).build());
        };
    }

    /** The cache folder's prefix ({@code synth}, {@code lidar}): {@code CACHE/PREFIX-<12 hex digits>}. */
    String prefix();

    /** The settings that decide the output (not the thread count). */
    Map<String, Object> settings();

    /** The manifest's file name in a generated folder ({@code synth.json}, {@code lidar.json}). */
    String manifest();

    /** The manifest's {@code generator} value ({@code inlierq synth}, {@code inlierq synth-lidar}). */
    String generator();

    /** Whether {@code folder} holds exactly this generation, complete. Reads only. */
    boolean holds(Path folder);

    /** Writes the generation into {@code folder} and returns its wall time in seconds. */
    double generate(Path folder, Progress progress);

    /** The synthetic shapes benchmark ({@code inlierq synth}). */
    record Shapes(SynthConfig config) implements DemoSource {
        @Override
        public String prefix() {
            return "synth";
        }

        @Override
        public Map<String, Object> settings() {
            return config.settings();
        }

        @Override
        public String manifest() {
            return "synth.json";
        }

        @Override
        public String generator() {
            return "inlierq synth";
        }

        @Override
        public boolean holds(Path folder) {
            return SynthDataset.holds(config, folder);
        }

        @Override
        public double generate(Path folder, Progress progress) {
            return SynthDataset.generate(config, folder, progress::done).seconds();
        }
    }

    /** The synthetic LiDAR benchmark's bird's-eye-view maps ({@code inlierq synth-lidar}). */
    record Lidar(LidarConfig config) implements DemoSource {
        @Override
        public String prefix() {
            return "lidar";
        }

        @Override
        public Map<String, Object> settings() {
            return config.settings();
        }

        @Override
        public String manifest() {
            return "lidar.json";
        }

        @Override
        public String generator() {
            return "inlierq synth-lidar";
        }

        @Override
        public boolean holds(Path folder) {
            return LidarDataset.holds(config, folder);
        }

        @Override
        public double generate(Path folder, Progress progress) {
            return LidarDataset.generate(config, folder, progress::done).seconds();
        }
    }
}
