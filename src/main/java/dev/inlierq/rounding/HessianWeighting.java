package dev.inlierq.rounding;

import java.util.Locale;

/**
 * How GPTQ's layer Hessians weigh the sampled input patches ({@code --hessian}).
 */
public enum HessianWeighting {
    /** {@code H = sum_x x x^T}: every sampled patch counts once (GPTQ, Frantar et al., ICLR 2023). */
    PLAIN,
    /**
     * {@code H = sum_p w_p x_p x_p^T} with {@code w_p} InlierQ's weight of the volume at output position p of the
     * layer (Kim et al., ICLR 2026: the inlier-centric objective in second order; {@link LayerHessians}): 1 for
     * inliers and lambda_A for anomalies (hard weighting) or the inlier posterior itself (soft).
     */
    INLIER,
    /**
     * The per-unit Hessians (GPTAQ's, or the sequential form's) {@code H = sum_p w_p x_p x_p^T} with {@code w_p} the mean over all output channels
     * (also in a grouped layer) of the squared slope of the activation after the layer at output position p, on
     * the float network ({@link ActivationSlopes}): the layer's output error counted as the next layer receives
     * it, to first order. The whole-network GPTQ pass before it stays plain: weighted there, it cost 0.46 to 0.65 AP
     * at W4A8 (docs/experiments.md, stop 26).
     */
    SLOPES;

    /**
     * The weighting of a run: {@code given}, or by default inlier where an inlier-centric method starts from GPTQ
     * (its splits are computed anyway), slopes where GPTAQ runs (over three seeds it gained 0.7, 0.4 and 0.35 AP on
     * average on the three shared models, docs/experiments.md, stop 26) and plain otherwise (also for the sequential
     * form, where slopes lowered YOLOX-Nano's W4A8 mean from 25.49 to 24.74 AP, stop 31).
     *
     * @param gptq          whether GPTQ runs (the method's rounding or the start of reconstruction)
     * @param inlierCentric whether the run splits volumes into inliers and anomalies (InlierQ's loss)
     * @param perUnit       whether GPTQ runs again per unit on the quantized network's inputs ({@code --start gptaq}
     *                      or {@code sequential}, {@code --method gptaq}, {@code --method gptq} at 4 bits)
     * @param gptaq         whether that per-unit form is GPTAQ's (towards the float outputs)
     * @throws IllegalArgumentException for {@link #INLIER} without GPTQ, {@link #SLOPES} without a per-unit form
     */
    public static HessianWeighting resolve(HessianWeighting given, boolean gptq, boolean inlierCentric,
            boolean perUnit, boolean gptaq) {
        HessianWeighting h = given != null ? given : gptq && inlierCentric ? INLIER : gptaq ? SLOPES : PLAIN;
        if (h == INLIER && !gptq) {
            throw new IllegalArgumentException("the inlier-weighted Hessian is GPTQ's: it needs --method gptq or "
                    + "--start gptq");
        }
        if (h == SLOPES && !perUnit) {
            throw new IllegalArgumentException("the slope-weighted Hessian is per unit: it needs --method gptaq, "
                    + "--start gptaq or sequential, or --method gptq at 4 bits");
        }
        return h;
    }

    /** The name on the command line. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
