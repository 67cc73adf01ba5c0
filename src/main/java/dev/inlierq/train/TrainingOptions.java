package dev.inlierq.train;

import java.util.Objects;

/**
 * Settings of a training run; build with {@link #builder()} (defaults are the committed detector's).
 *
 * @param architecture the detector's shape
 * @param seed seeds the initial weights and the training stream (image indices, augmentation)
 * @param steps optimiser steps (the schedule's length)
 * @param batch images per step
 * @param optimisation learning-rate schedule, weight decay and gradient clipping
 * @param augmentation what is done to each training image
 * @param scenes the synthetic scenes drawn for training: shapes ({@link Scenes}) or LiDAR maps ({@link LidarScenes})
 * @param dataWorkers threads rendering batches ahead of the optimiser
 * @param logEvery steps between two entries of the training log
 * @param maxSeconds stop after this much wall time (0: run every step); for exploring, not for reproducible runs
 */
public record TrainingOptions(Architecture architecture, long seed, int steps, int batch, Optimisation optimisation,
        Augmentation augmentation, TrainingScenes scenes, int dataWorkers, int logEvery, double maxSeconds) {
    public TrainingOptions {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(optimisation, "optimisation");
        Objects.requireNonNull(augmentation, "augmentation");
        Objects.requireNonNull(scenes, "scenes");
        if (steps < 1 || batch < 1 || dataWorkers < 1 || logEvery < 1 || !(maxSeconds >= 0)
                || optimisation.schedule().steps() != steps) {
            throw new IllegalArgumentException("bad training options: steps " + steps + ", batch " + batch
                    + ", workers " + dataWorkers + ", log every " + logEvery + ", " + optimisation);
        }
        if (architecture.yaw() && !scenes.headings()) {
            throw new IllegalArgumentException("a heading output needs scenes whose boxes have headings (LiDAR "
                    + "maps), not " + scenes.kind() + " scenes");
        }
        if (architecture.box3d() && !scenes.boxes3d()) {
            throw new IllegalArgumentException("3D box outputs need scenes whose boxes are 3D (LiDAR maps), not "
                    + scenes.kind() + " scenes");
        }
    }

    /** Whether the detector has a heading output and trains it ({@link Architecture#yaw()}). */
    public boolean yaw() {
        return architecture.yaw();
    }

    /** Whether the detector has the 3D box outputs and trains them ({@link Architecture#box3d()}). */
    public boolean box3d() {
        return architecture.box3d();
    }

    /** The side of the training inputs: the architecture's, or the augmentation's crop when it sets one. */
    public int trainingSide() {
        return augmentation.trainingSide(architecture.inputSize());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Typed builder. */
    public static final class Builder {
        private Architecture architecture = Architecture.builder().build();
        private long seed;
        private int steps = 2600;
        private int batch = 8;
        private double lr = 4e-3;
        private int warmup = 200;
        private double floor = 0.02;
        private double weightDecay = 1e-4;
        private double clipNorm = 10;
        private double emaDecay;
        private LossOptions loss = LossOptions.CENTERNET;
        private Augmentation augmentation = Augmentation.DEFAULT;
        private TrainingScenes scenes = Scenes.DEFAULT;
        private int dataWorkers = 1;
        private int logEvery = 50;
        private double maxSeconds;

        public Builder architecture(Architecture v) {
            architecture = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder steps(int v) {
            steps = v;
            return this;
        }

        public Builder batch(int v) {
            batch = v;
            return this;
        }

        /** Peak learning rate. */
        public Builder lr(double v) {
            lr = v;
            return this;
        }

        /** Warm-up steps (capped at a third of the steps). */
        public Builder warmup(int v) {
            warmup = v;
            return this;
        }

        /** Final learning rate as a fraction of the peak. */
        public Builder floor(double v) {
            floor = v;
            return this;
        }

        public Builder weightDecay(double v) {
            weightDecay = v;
            return this;
        }

        public Builder clipNorm(double v) {
            clipNorm = v;
            return this;
        }

        /** Decay of the weight average written instead of the last weights (0, the default: none). */
        public Builder emaDecay(double v) {
            emaDecay = v;
            return this;
        }

        /** The training loss (default CenterNet's). */
        public Builder loss(LossOptions v) {
            loss = v;
            return this;
        }

        public Builder augmentation(Augmentation v) {
            augmentation = v;
            return this;
        }

        /**
         * The training scenes (default: the shapes benchmark's seed 0 at its own 3 to 10 objects per scene; or
         * {@link LidarScenes}).
         */
        public Builder scenes(TrainingScenes v) {
            scenes = v;
            return this;
        }

        public Builder dataWorkers(int v) {
            dataWorkers = v;
            return this;
        }

        public Builder logEvery(int v) {
            logEvery = v;
            return this;
        }

        public Builder maxSeconds(double v) {
            maxSeconds = v;
            return this;
        }

        public TrainingOptions build() {
            LearningRate schedule = new LearningRate(lr, Math.min(warmup, steps / 3), Math.max(1, steps), floor);
            return new TrainingOptions(architecture, seed, steps, batch,
                    new Optimisation(schedule, weightDecay, clipNorm, loss, emaDecay), augmentation, scenes,
                    dataWorkers, logEvery, maxSeconds);
        }
    }
}
