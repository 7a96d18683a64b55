/**
 * The library facade: {@link io.binaryllm.engine.BinaryEngine}, a backend and a master seed, with binarizers,
 * encoding, exact indexes and the quality a binarizer keeps.
 */
package io.binaryllm.engine;
