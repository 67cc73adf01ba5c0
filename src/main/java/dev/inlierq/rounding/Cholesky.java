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

    /**
     * The inverse of a lower-triangular matrix (lower-triangular), row by row: {@code L X = I} gives
     * {@code X_i = (e_i - sum_{k<i} L_ik X_k) / L_ii}, every access along rows.
     */
    static double[] invertLower(double[] l, int n) {
        double[] inv = new double[n * n];
        for (int i = 0; i < n; i++) {
            int ri = i * n;
            for (int k = 0; k < i; k++) {
                double lik = l[ri + k];
                if (lik == 0) {
                    continue;
                }
                int rk = k * n;
                for (int j = 0; j <= k; j++) {
                    inv[ri + j] -= lik * inv[rk + j];
                }
            }
            inv[ri + i] += 1;
            double dii = l[ri + i];
            for (int j = 0; j <= i; j++) {
                inv[ri + j] /= dii;
            }
        }
        return inv;
    }

    /**
     * The upper Cholesky factor {@code U} of {@code a^-1} ({@code a^-1 = U^T U}, positive diagonal), or null
     * when {@code a} is not positive definite. With {@code J} the order reversal, the Cholesky factor of
     * {@code J a J = L L^T} gives {@code a = V V^T} with {@code V = J L J} upper triangular, so
     * {@code a^-1 = V^-T V^-1} and {@code U = V^-1 = J L^-1 J}: one factorisation and one triangular inverse,
     * without forming {@code a^-1}.
     */
    static double[] upperOfInverse(double[] a, int n) {
        double[] rev = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                rev[i * n + j] = a[(n - 1 - i) * n + (n - 1 - j)];
            }
        }
        double[] l = lower(rev, n);
        if (l == null) {
            return null;
        }
        double[] li = invertLower(l, n);
        double[] u = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                u[i * n + j] = li[(n - 1 - i) * n + (n - 1 - j)];
            }
        }
        return u;
    }
}
