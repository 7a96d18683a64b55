/**
 * Fuzz tests (Jazzer) of every reader of outside input, and the one property they share ({@link
 * io.binaryllm.fuzz.Refusals}): answer, or refuse with a one-line bad-input error. Seeds and kept findings live in
 * {@code test/resources/<package>/<Class>Inputs/<method>/}.
 */
package io.binaryllm.fuzz;
