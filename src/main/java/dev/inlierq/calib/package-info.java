/**
 * Calibration: the deterministic choice of calibration images with their hashes
 * ({@link dev.inlierq.calib.CalibrationSet}), classic calibration that streams every planned activation through
 * its observer in one float pass and encodes activations and weights ({@link dev.inlierq.calib.Calibrator}),
 * and activation equalisation, which moves range from outlier channels into the weights of the layers that read
 * them ({@link dev.inlierq.calib.Equalization}).
 */
package dev.inlierq.calib;
