package dev.inlierq.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam (Kingma and Ba, ICLR 2015, Algorithm 1; betas 0.9 and 0.999, epsilon 1e-8) with decoupled weight decay
 * (Loshchilov and Hutter, "Decoupled Weight Decay Regularization", ICLR 2019, Algorithm 2) on convolution weights
 * (not biases), after clipping the gradients to a global L2 norm (Pascanu et al., ICML 2013):
 * <pre>
 *   g <- g min(1, c / ||g||)     m <- b1 m + (1 - b1) g      v <- b2 v + (1 - b2) g^2
 *   p <- p - lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps) - lr wd p
 * </pre>
 * Plain tensor ops outside autograd, in parameter order, so every step is reproducible. State lives in a manager
 * of its own.
 */
final class AdamW implements AutoCloseable {
    private static final float B1 = 0.9f;
    private static final float B2 = 0.999f;
    private static final float EPS = 1e-8f;
    private final NDManager state;
    private final Map<String, NDArray[]> moments = new LinkedHashMap<>();
    private final float weightDecay;
    private final float clipNorm;
    private int t;

    AdamW(NDManager parent, float weightDecay, float clipNorm) {
        this.state = parent.newSubManager();
        this.weightDecay = weightDecay;
        this.clipNorm = clipNorm;
    }

    /**
     * One step of every parameter with its gradient, at learning rate {@code lr}; returns the gradient norm
     * before clipping.
     */
    double step(Map<String, NDArray> params, Map<String, NDArray> grads, float lr) {
        t++;
        double sq = 0;
        for (var e : params.entrySet()) {
            try (NDArray g2 = grads.get(e.getKey()).square(); NDArray s = g2.sum()) {
                sq += s.getFloat();
            }
        }
        double norm = Math.sqrt(sq);
        float clip = clipNorm > 0 && norm > clipNorm ? (float) (clipNorm / norm) : 1f;
        float c1 = (float) (1 - Math.pow(B1, t));
        float c2 = (float) (1 - Math.pow(B2, t));
        for (var e : params.entrySet()) {
            NDArray p = e.getValue();
            NDArray[] mv = moments.computeIfAbsent(e.getKey(), k -> new NDArray[] {zeros(p), zeros(p)});
            try (NDArray g = grads.get(e.getKey()).mul(clip); NDArray g1 = g.mul(1 - B1); NDArray g2 = g.square()) {
                mv[0].muli(B1).addi(g1);
                mv[1].muli(B2).addi(g2.muli(1 - B2));
            }
            if (weightDecay > 0 && p.getShape().dimension() > 1) {
                p.muli(1 - lr * weightDecay);
            }
            try (NDArray mh = mv[0].div(c1); NDArray vh = mv[1].div(c2); NDArray den = vh.sqrt();
                    NDArray den2 = den.add(EPS); NDArray step = mh.div(den2)) {
                p.subi(step.muli(lr));
            }
        }
        return norm;
    }

    private NDArray zeros(NDArray p) {
        NDArray z = p.zerosLike();
        z.attach(state);
        return z;
    }

    @Override
    public void close() {
        state.close();
    }
}
