/**
 * Block and layer reconstruction: AdaRound, BRECQ, QDrop and InlierQ's objective share one recipe
 * ({@link dev.inlierq.recon.Reconstruction}): per unit, learned rounding of the weights and learned activation
 * step sizes minimise a (weighted) squared error against the float network's outputs. Settings in
 * {@link dev.inlierq.recon.ReconstructionOptions}; where the rounding starts in
 * {@link dev.inlierq.recon.StartingRounding}; cheaper steps on spatial windows in {@link dev.inlierq.recon.Windows}.
 */
package dev.inlierq.recon;
