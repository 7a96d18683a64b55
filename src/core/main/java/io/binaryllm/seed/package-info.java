/**
 * All randomness: one master seed, a SplitMix64 stream per named component ({@link io.binaryllm.seed.Seeds}).
 */
package io.binaryllm.seed;
