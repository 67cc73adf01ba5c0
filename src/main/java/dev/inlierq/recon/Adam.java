package dev.inlierq.recon;

import ai.djl.ndarray.NDArray;
import java.util.HashMap;
import java.util.Map;

/**
 * Adam (Kingma and Ba, ICLR 2015) with the default betas (0.9, 0.999) and epsilon 1e-8, written with plain
 * tensor ops so every step is reproducible: {@code m = b1 m + (1 - b1) g}, {@code v = b2 v + (1 - b2) g^2},
 * {@code p -= lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)}. State lives with the parameter.
 */
final class Adam {
    private static final float B1 = 0.9f;
    private static final float B2 = 0.999f;
    private static final float EPS = 1e-8f;
    private final float lr;
    private final Map<String, NDArray[]> state = new HashMap<>();
    private final Map<String, Integer> steps = new HashMap<>();

    Adam(float lr) {
        this.lr = lr;
    }

    void update(String id, NDArray p, NDArray g) {
        update(id, p, g, 1f);
    }

    /** A step at {@code rate} times the learning rate (a schedule's factor for this step). */
    void update(String id, NDArray p, NDArray g, float rate) {
        NDArray[] mv = state.computeIfAbsent(id, k -> new NDArray[] {p.zerosLike(), p.zerosLike()});
        int t = steps.merge(id, 1, Integer::sum);
        try (NDArray g1 = g.mul(1 - B1)) {
            mv[0].muli(B1).addi(g1);
        }
        try (NDArray g2 = g.square()) {
            mv[1].muli(B2).addi(g2.muli(1 - B2));
        }
        float c1 = (float) (1 - Math.pow(B1, t));
        float c2 = (float) (1 - Math.pow(B2, t));
        try (NDArray mh = mv[0].div(c1); NDArray vh = mv[1].div(c2); NDArray den = vh.sqrt();
                NDArray den2 = den.add(EPS); NDArray step = mh.div(den2)) {
            p.subi(step.muli(lr * rate));
        }
    }
}

