package dev.inlierq.rounding;

/** Dense Cholesky arithmetic on row-major symmetric matrices, in double precision. */
final class Cholesky {
    private Cholesky() {
    }

    /**
     * The lower factor {@code L} of {@code a = L L^T}, or null when {@code a} is not (numerically) positive
     * definite.
     */
    static double[] lower(double[] a, int n) {
        double[] l = new double[n * n];
        for (int j = 0; j < n; j++) {
            double s = a[j * n + j];
            for (int k = 0; k < j; k++) {
                s -= l[j * n + k] * l[j * n + k];
            }
            if (!(s > 0)) {
                return null;
            }
            double ljj = Math.sqrt(s);
            l[j * n + j] = ljj;
            for (int i = j + 1; i < n; i++) {
                double t = a[i * n + j];
                for (int k = 0; k < j; k++) {
                    t -= l[i * n + k] * l[j * n + k];
                }
                l[i * n + j] = t / ljj;
            }
        }
        return l;
    }

    /** The inverse of a lower-triangular matrix (lower-triangular). */
    static double[] invertLower(double[] l, int n) {
        double[] inv = new double[n * n];
        for (int j = 0; j < n; j++) {
            inv[j * n + j] = 1 / l[j * n + j];
            for (int i = j + 1; i < n; i++) {
                double s = 0;
                for (int k = j; k < i; k++) {
                    s += l[i * n + k] * inv[k * n + j];
                }
                inv[i * n + j] = -s / l[i * n + i];
            }
        }
        return inv;
    }

    /**
     * The upper Cholesky factor {@code U} of {@code a^-1} ({@code a^-1 = U^T U}), or null when {@code a} is not
     * positive definite. With {@code a = L L^T}, {@code a^-1 = L^-T L^-1}; its upper factor is obtained as the
     * transposed lower factor of the same matrix.
     */
    static double[] upperOfInverse(double[] a, int n) {
        double[] l = lower(a, n);
        if (l == null) {
            return null;
        }
        double[] li = invertLower(l, n);
        double[] inv = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int k = i; k < n; k++) { // (L^-T L^-1)_ij = sum_k Li_ki Li_kj, k >= max(i, j)
                    s += li[k * n + i] * li[k * n + j];
                }
                inv[i * n + j] = s;
                inv[j * n + i] = s;
            }
        }
        double[] lo = lower(inv, n);
        if (lo == null) {
            return null;
        }
        double[] u = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                u[j * n + i] = lo[i * n + j];
            }
        }
        return u;
    }
}
