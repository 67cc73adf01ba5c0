/**
 * Detector specs: what a detector's file needs around it (input preprocessing, head family and decoding,
 * post-processing, class map), read from a built-in name or a YAML/JSON spec file ({@link
 * dev.inlierq.detect.spec.SpecReader}, format in docs/spec-format.md) and checked against the model
 * ({@link dev.inlierq.detect.spec.SpecCheck}). It assembles the image types of {@code dev.inlierq.detect} and the
 * heads of {@code dev.inlierq.detect.decode}, which do not depend on it.
 */
package dev.inlierq.detect.spec;
