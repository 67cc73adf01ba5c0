package dev.inlierq.lidar;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;

/**
 * Simulates one sweep of a spinning LiDAR at {@code (0, 0, height)}: for each of {@code azimuthSteps} azimuths
 * {@code phi_a = 2 pi a / steps} (counter-clockwise from +x) and each beam elevation {@code theta_b}, the ray
 * {@code d = (cos theta cos phi, cos theta sin phi, sin theta)} returns its nearest hit among the ground plane
 * {@code z = 0} and the scene's solids, so occlusion follows from the nearest hit.
 *
 * <p>Sensor model: a hit beyond {@code maxRange} gives no return; a ray is lost with probability
 * {@code dropout}; the range gets Gaussian noise {@code N(0, rangeNoise^2)} along the ray; the intensity is
 * {@code reflectivity * |cos(incidence)|} (a Lambertian surface) plus {@code N(0, 0.02^2)}, clipped to [0, 1].
 * Every ray draws its three random numbers (dropout, range noise, intensity noise) from the scene's stream in
 * firing order, hit or not, so the same scene and stream give the same points.
 *
 * <p>Speed: each solid is binned into the azimuth columns its footprint's bounding circle spans (half-angle
 * {@code asin(r / d)} around its bearing), and each column lists its solids by their nearest horizontal distance
 * {@code d - r}; a ray tests its column's solids in that order and stops once that distance exceeds the
 * horizontal distance of its best hit so far (the ground's, for a downward ray).
 */
final class RayCaster {
    /** Standard deviation of the intensity noise. */
    static final double INTENSITY_NOISE = 0.02;
    private static final int NO_HIT = -2;
    private static final int GROUND = -1;

    private final LidarSensor sensor;
    private final double[] cosAzimuth;
    private final double[] sinAzimuth;
    private final double[] cosElevation;
    private final double[] sinElevation;

    RayCaster(LidarSensor sensor) {
        this.sensor = sensor;
        int steps = sensor.azimuthSteps();
        cosAzimuth = new double[steps];
        sinAzimuth = new double[steps];
        for (int a = 0; a < steps; a++) {
            double phi = 2 * Math.PI * a / steps;
            cosAzimuth[a] = Math.cos(phi);
            sinAzimuth[a] = Math.sin(phi);
        }
        cosElevation = new double[sensor.beams()];
        sinElevation = new double[sensor.beams()];
        for (int b = 0; b < sensor.beams(); b++) {
            cosElevation[b] = Math.cos(sensor.elevation(b));
            sinElevation[b] = Math.sin(sensor.elevation(b));
        }
    }

    /** The returns of one sweep over {@code scene}, noise and dropout drawn from {@code rng}. */
    PointCloud scan(LidarScene scene, SplittableRandom rng) {
        Primitive[] solids = scene.primitives().toArray(new Primitive[0]);
        Integer[] order = new Integer[solids.length];
        Arrays.setAll(order, i -> i);
        double[] nearest = new double[solids.length];
        for (int i = 0; i < solids.length; i++) {
            nearest[i] = Math.max(0, Math.hypot(solids[i].centreX(), solids[i].centreY()) - solids[i].radius());
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> nearest[i]).thenComparingInt(i -> i));
        Primitive[] sorted = new Primitive[solids.length];
        double[] near = new double[solids.length];
        for (int k = 0; k < solids.length; k++) {
            sorted[k] = solids[order[k]];
            near[k] = nearest[order[k]];
        }
        int[][] columns = bin(sorted, near);
        Sweep sweep = new Sweep(sensor.beams() * sensor.azimuthSteps());
        for (int a = 0; a < sensor.azimuthSteps(); a++) {
            for (int b = 0; b < sensor.beams(); b++) {
                double dropped = rng.nextDouble();
                double rangeNoise = sensor.rangeNoise() * rng.nextGaussian();
                double intensityNoise = INTENSITY_NOISE * rng.nextGaussian();
                if (dropped >= sensor.dropout()) {
                    cast(scene.ground(), sorted, near, columns[a], a, b, rangeNoise, intensityNoise, sweep);
                }
            }
        }
        return sweep.cloud();
    }

    /** For each azimuth column, the indices of the solids (in {@code near} order) whose bearing span covers it. */
    private int[][] bin(Primitive[] sorted, double[] near) {
        int steps = sensor.azimuthSteps();
        int[][] lists = new int[steps][];
        int[] sizes = new int[steps];
        double step = 2 * Math.PI / steps;
        for (int pass = 0; pass < 2; pass++) {
            for (int k = 0; k < sorted.length; k++) {
                Primitive p = sorted[k];
                if (near[k] > sensor.maxRange()) {
                    continue;
                }
                double d = Math.hypot(p.centreX(), p.centreY());
                boolean all = d <= p.radius() * 1.0001;
                double bearing = Math.atan2(p.centreY(), p.centreX());
                double half = all ? Math.PI : Math.asin(p.radius() / d);
                long first = all ? 0 : (long) Math.ceil((bearing - half) / step);
                long last = all ? steps - 1 : (long) Math.floor((bearing + half) / step);
                for (long a = first; a <= last; a++) {
                    int column = (int) Math.floorMod(a, (long) steps);
                    if (pass == 1) {
                        lists[column][sizes[column]] = k;
                    }
                    sizes[column]++;
                }
            }
            if (pass == 0) {
                for (int a = 0; a < steps; a++) {
                    lists[a] = new int[sizes[a]];
                    sizes[a] = 0;
                }
            }
        }
        return lists;
    }

    private void cast(Ground ground, Primitive[] sorted, double[] near, int[] column, int a, int b,
            double rangeNoise, double intensityNoise, Sweep sweep) {
        double h = sensor.height();
        double dx = cosElevation[b] * cosAzimuth[a];
        double dy = cosElevation[b] * sinAzimuth[a];
        double dz = sinElevation[b];
        double best = sensor.maxRange();
        int hit = NO_HIT;
        if (dz < 0 && -h / dz <= best) {
            best = -h / dz;
            hit = GROUND;
        }
        double reach = best * cosElevation[b];
        for (int k : column) {
            if (near[k] > reach) {
                break;
            }
            double t = sorted[k].intersect(0, 0, h, dx, dy, dz);
            if (t < best) {
                best = t;
                hit = k;
                reach = t * cosElevation[b];
            }
        }
        if (hit == NO_HIT) {
            return;
        }
        double px = best * dx;
        double py = best * dy;
        double pz = h + best * dz;
        double reflectance = hit == GROUND ? ground.reflectivity(px, py) * Math.abs(dz)
                : sorted[hit].reflectivity() * sorted[hit].cosIncidence(px, py, pz, dx, dy, dz);
        double range = best + rangeNoise;
        double intensity = Math.min(1, Math.max(0, reflectance + intensityNoise));
        sweep.add(range * dx, range * dy, h + range * dz, intensity, hit == GROUND ? Primitive.CLUTTER
                : sorted[hit].owner());
    }

    /** The returns collected so far. */
    private static final class Sweep {
        private final float[] x;
        private final float[] y;
        private final float[] z;
        private final float[] intensity;
        private final int[] owner;
        private int n;

        Sweep(int capacity) {
            x = new float[capacity];
            y = new float[capacity];
            z = new float[capacity];
            intensity = new float[capacity];
            owner = new int[capacity];
        }

        void add(double px, double py, double pz, double value, int who) {
            x[n] = (float) px;
            y[n] = (float) py;
            z[n] = (float) pz;
            intensity[n] = (float) value;
            owner[n] = who;
            n++;
        }

        PointCloud cloud() {
            return new PointCloud(Arrays.copyOf(x, n), Arrays.copyOf(y, n), Arrays.copyOf(z, n),
                    Arrays.copyOf(intensity, n), Arrays.copyOf(owner, n));
        }
    }
}
