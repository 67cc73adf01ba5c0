package dev.inlierq.lidar;

import dev.inlierq.synth.Split;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings of one synthetic LiDAR generation, built with {@link #builder()} (each setter checks its value at
 * once, {@link Builder#build()} the values together). Everything except {@link #threads()} decides the output:
 * the same settings give the same bytes, whatever the thread count.
 *
 * <p>Defaults: seed 0, 2,000 training and 300 validation scenes, a 320 x 320 bird's-eye-view grid of 0.25 m
 * cells (+-40 m around the sensor), the {@link LidarSensor#DEFAULT} sensor, at least 5 returns for an object to be
 * labelled, distractors on, no point files, as many threads as processors. Build it with the builder rather than
 * the positional constructor.
 *
 * @param seed the seed of every random choice
 * @param trainScenes scenes of the training split, 0 to {@link #MAX_SCENES}
 * @param valScenes scenes of the validation split, 0 to {@link #MAX_SCENES}
 * @param cells side of the square BEV grid in cells (= image pixels), a multiple of 32 from 64 to 1024
 * @param cellSize side of a cell in metres, 0.05 to 2
 * @param sensor the LiDAR
 * @param minPoints fewest returns on an object for it to be labelled, 1 to 1000
 * @param distractors whether unlabelled clutter (buildings, poles, trees, walls, bushes, bins) is placed
 * @param pointsOut whether {@code points/SPLIT/NNNNNN.bin} files are written too
 * @param threads worker threads, at least 1; does not change the output
 */
public record LidarConfig(long seed, int trainScenes, int valScenes, int cells, double cellSize, LidarSensor sensor,
        int minPoints, boolean distractors, boolean pointsOut, int threads) {
    /** Bumped whenever a change to the generator changes its output for the same settings. */
    public static final int GENERATOR_VERSION = 1;
    /** Largest scene count of a split (file names have six digits). */
    public static final int MAX_SCENES = 999_999;

    /** @throws IllegalArgumentException naming the first value out of range */
    public LidarConfig {
        checkScenes("training", trainScenes);
        checkScenes("validation", valScenes);
        check(trainScenes + valScenes > 0, "no scene to generate: training and validation counts are both 0");
        checkCells(cells);
        checkCellSize(cellSize);
        check(sensor != null, "no sensor");
        check(minPoints >= 1 && minPoints <= 1000, "min points must be 1 to 1000, got " + minPoints);
        check(threads >= 1, "threads must be at least 1, got " + threads);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings, to change some of them. */
    public Builder toBuilder() {
        LidarSensor s = sensor;
        return new Builder().seed(seed).trainScenes(trainScenes).valScenes(valScenes).cells(cells).cellSize(cellSize)
                .beams(s.beams()).azimuthSteps(s.azimuthSteps()).elevation(s.minElevation(), s.maxElevation())
                .sensorHeight(s.height()).maxRange(s.maxRange()).rangeNoise(s.rangeNoise()).dropout(s.dropout())
                .minPoints(minPoints).distractors(distractors).pointsOut(pointsOut).threads(threads);
    }

    /** The number of scenes of {@code split}. */
    public int scenes(Split split) {
        return split == Split.TRAIN ? trainScenes : valScenes;
    }

    /** Half the side of the map in metres: the map covers {@code [-half, half]} in x and y. */
    public double halfExtent() {
        return cells * cellSize / 2;
    }

    /** The settings that decide the output, as written to the manifest (everything but the thread count). */
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("generator_version", GENERATOR_VERSION);
        m.put("seed", seed);
        m.put("train", trainScenes);
        m.put("val", valScenes);
        m.put("cells", cells);
        m.put("cell_size", cellSize);
        m.put("beams", sensor.beams());
        m.put("azimuth_steps", sensor.azimuthSteps());
        m.put("elevation", List.of(sensor.minElevation(), sensor.maxElevation()));
        m.put("sensor_height", sensor.height());
        m.put("max_range", sensor.maxRange());
        m.put("range_noise", sensor.rangeNoise());
        m.put("dropout", sensor.dropout());
        m.put("min_points", minPoints);
        m.put("distractors", distractors);
        m.put("points", pointsOut);
        return m;
    }

    static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    private static void checkScenes(String what, int count) {
        check(count >= 0 && count <= MAX_SCENES, what + " scene count must be 0 to " + MAX_SCENES + ", got " + count);
    }

    private static void checkCells(int cells) {
        check(cells >= 64 && cells <= 1024 && cells % 32 == 0,
                "cells must be a multiple of 32 from 64 to 1024, got " + cells);
    }

    private static void checkCellSize(double size) {
        check(size >= 0.05 && size <= 2, "cell size must be 0.05 to 2 m, got " + size);
    }

    /** Builds a {@link LidarConfig}; every setter throws {@link IllegalArgumentException} on a bad value. */
    public static final class Builder {
        private long seed;
        private int trainScenes = 2000;
        private int valScenes = 300;
        private int cells = 320;
        private double cellSize = 0.25;
        private int beams = LidarSensor.DEFAULT.beams();
        private int azimuthSteps = LidarSensor.DEFAULT.azimuthSteps();
        private double minElevation = LidarSensor.DEFAULT.minElevation();
        private double maxElevation = LidarSensor.DEFAULT.maxElevation();
        private double height = LidarSensor.DEFAULT.height();
        private double maxRange = LidarSensor.DEFAULT.maxRange();
        private double rangeNoise = LidarSensor.DEFAULT.rangeNoise();
        private double dropout = LidarSensor.DEFAULT.dropout();
        private int minPoints = 5;
        private boolean distractors = true;
        private boolean pointsOut;
        private int threads = Runtime.getRuntime().availableProcessors();

        private Builder() {
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Training scenes, 0 to {@link #MAX_SCENES}. */
        public Builder trainScenes(int count) {
            checkScenes("training", count);
            this.trainScenes = count;
            return this;
        }

        /** Validation scenes, 0 to {@link #MAX_SCENES}. */
        public Builder valScenes(int count) {
            checkScenes("validation", count);
            this.valScenes = count;
            return this;
        }

        /** Side of the BEV grid in cells: a multiple of 32 (the stride of a detector's deepest level), 64-1024. */
        public Builder cells(int cells) {
            checkCells(cells);
            this.cells = cells;
            return this;
        }

        /** Side of a cell in metres, 0.05 to 2. */
        public Builder cellSize(double metres) {
            checkCellSize(metres);
            this.cellSize = metres;
            return this;
        }

        /** Laser beams, 2 to 256. */
        public Builder beams(int beams) {
            LidarSensor.checkBeams(beams);
            this.beams = beams;
            return this;
        }

        /** Azimuths per revolution, 64 to 8192. */
        public Builder azimuthSteps(int steps) {
            LidarSensor.checkAzimuthSteps(steps);
            this.azimuthSteps = steps;
            return this;
        }

        /** Lowest and highest beam elevation in degrees: {@code -60 <= min < max <= 30}. */
        public Builder elevation(double minDegrees, double maxDegrees) {
            LidarSensor.checkElevation(minDegrees, maxDegrees);
            this.minElevation = minDegrees;
            this.maxElevation = maxDegrees;
            return this;
        }

        /** Height of the sensor above the ground in metres, 0.5 to 5. */
        public Builder sensorHeight(double metres) {
            LidarSensor.checkHeight(metres);
            this.height = metres;
            return this;
        }

        /** Returns beyond this range (metres, 5 to 300) are dropped. */
        public Builder maxRange(double metres) {
            LidarSensor.checkMaxRange(metres);
            this.maxRange = metres;
            return this;
        }

        /** Standard deviation of the Gaussian range noise in metres, 0 to 0.5. */
        public Builder rangeNoise(double metres) {
            LidarSensor.checkRangeNoise(metres);
            this.rangeNoise = metres;
            return this;
        }

        /** Probability that a ray gives no return, in [0, 1). */
        public Builder dropout(double probability) {
            LidarSensor.checkDropout(probability);
            this.dropout = probability;
            return this;
        }

        /** Fewest returns on an object for it to be labelled, 1 to 1000. */
        public Builder minPoints(int points) {
            check(points >= 1 && points <= 1000, "min points must be 1 to 1000, got " + points);
            this.minPoints = points;
            return this;
        }

        /** Whether unlabelled clutter is placed. */
        public Builder distractors(boolean on) {
            this.distractors = on;
            return this;
        }

        /** Whether the point clouds are written too ({@code points/SPLIT/NNNNNN.bin}). */
        public Builder pointsOut(boolean on) {
            this.pointsOut = on;
            return this;
        }

        /** Worker threads, at least 1; does not change the output. */
        public Builder threads(int threads) {
            check(threads >= 1, "threads must be at least 1, got " + threads);
            this.threads = threads;
            return this;
        }

        /** @throws IllegalArgumentException when the values do not go together (both scene counts 0) */
        public LidarConfig build() {
            LidarSensor sensor = new LidarSensor(beams, azimuthSteps, minElevation, maxElevation, height, maxRange,
                    rangeNoise, dropout);
            return new LidarConfig(seed, trainScenes, valScenes, cells, cellSize, sensor, minPoints, distractors,
                    pointsOut, threads);
        }
    }
}
