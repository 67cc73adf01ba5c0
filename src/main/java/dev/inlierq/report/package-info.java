/**
 * Output files: every file is written atomically ({@link dev.inlierq.report.OutputFile}: a temporary file renamed
 * over the target on commit, so a failed or interrupted run never replaces an existing file), machine-readable
 * results as pretty JSON ({@link dev.inlierq.report.JsonFiles}), and PNG overlays of InlierQ's inlier posterior
 * on the network input ({@link dev.inlierq.report.SaliencyOverlay}).
 */
package dev.inlierq.report;
