/** The decoder's numerics: normalization, rotary tables, softmax and activation, each in its specified order. */
package io.binaryllm.kvcache.internal;
