package dev.inlierq.lidar;

/**
 * The returns of one sweep, in firing order (azimuth by azimuth, each from the lowest beam up), in metres in the
 * sensor's ground frame (z = 0 on the ground), intensity in [0, 1]; {@code owner[i]} is the index of the labelled
 * object return {@code i} hit, or {@link Primitive#CLUTTER} for the ground and clutter.
 */
record PointCloud(float[] x, float[] y, float[] z, float[] intensity, int[] owner) {

    int size() {
        return x.length;
    }

    /** The number of returns on each of {@code objects} labelled objects. */
    int[] pointsPerOwner(int objects) {
        int[] counts = new int[objects];
        for (int o : owner) {
            if (o >= 0) {
                counts[o]++;
            }
        }
        return counts;
    }
}
