package dev.inlierq.lidar;

/**
 * The simulated spinning LiDAR: {@code beams} elevation angles evenly spread over
 * {@code [minElevation, maxElevation]} degrees (HDL-32E-like by default: 32 beams from -25 to +3 degrees),
 * {@code azimuthSteps} azimuths over 360 degrees, mounted {@code height} metres above the ground; returns beyond
 * {@code maxRange} metres are dropped, a return's range gets Gaussian noise of standard deviation
 * {@code rangeNoise} metres, and each ray is lost with probability {@code dropout}.
 *
 * <p>Built by {@link LidarConfig.Builder}; the constructor checks every value.
 */
public record LidarSensor(int beams, int azimuthSteps, double minElevation, double maxElevation, double height,
        double maxRange, double rangeNoise, double dropout) {

    /** The defaults: 32 beams, 1,024 azimuths, -25 to +3 degrees, 1.8 m, 70 m, 2 cm noise, 5% dropout. */
    public static final LidarSensor DEFAULT = new LidarSensor(32, 1024, -25, 3, 1.8, 70, 0.02, 0.05);

    /** @throws IllegalArgumentException naming the first value out of range */
    public LidarSensor {
        checkBeams(beams);
        checkAzimuthSteps(azimuthSteps);
        checkElevation(minElevation, maxElevation);
        checkHeight(height);
        checkMaxRange(maxRange);
        checkRangeNoise(rangeNoise);
        checkDropout(dropout);
    }

    static void checkBeams(int beams) {
        LidarConfig.check(beams >= 2 && beams <= 256, "beams must be 2 to 256, got " + beams);
    }

    static void checkAzimuthSteps(int steps) {
        LidarConfig.check(steps >= 64 && steps <= 8192, "azimuth steps must be 64 to 8192, got " + steps);
    }

    static void checkElevation(double min, double max) {
        LidarConfig.check(min >= -60 && max <= 30 && min < max,
                "elevation range must satisfy -60 <= min < max <= 30 degrees, got " + min + " to " + max);
    }

    static void checkHeight(double height) {
        LidarConfig.check(height >= 0.5 && height <= 5, "sensor height must be 0.5 to 5 m, got " + height);
    }

    static void checkMaxRange(double range) {
        LidarConfig.check(range >= 5 && range <= 300, "max range must be 5 to 300 m, got " + range);
    }

    static void checkRangeNoise(double sd) {
        LidarConfig.check(sd >= 0 && sd <= 0.5, "range noise must be 0 to 0.5 m, got " + sd);
    }

    static void checkDropout(double p) {
        LidarConfig.check(p >= 0 && p < 1, "dropout probability must be in [0, 1), got " + p);
    }

    /** The elevation of beam {@code b}, in radians. */
    double elevation(int b) {
        return Math.toRadians(minElevation + (maxElevation - minElevation) * b / (beams - 1));
    }
}
