/**
 * The README's library example, run with binaryllm-core alone on the classpath.
 */
package io.binaryllm.example;
