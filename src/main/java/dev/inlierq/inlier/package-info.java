/**
 * InlierQ's inlier-centric pieces (Kim et al., ICLR 2026; {@code docs/inlierq.md}): the two-component
 * Gaussian mixture that splits one tensor's volume saliency scores into inliers and anomalies, fitted by EM
 * with guard rails that fall back to "everything is an inlier" ({@link dev.inlierq.inlier.InlierMixture}), and
 * the steps built on it ({@link dev.inlierq.inlier.InlierQ}): volume saliency, the per-volume posterior, the
 * inlier-weighted reconstruction objective and inlier-only range initialisation.
 */
package dev.inlierq.inlier;
